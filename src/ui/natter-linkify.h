/* natter-linkify.h: other people's text as label markup with clickable links
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *natter_linkify (const char *text) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
