/* natter-test-files.h: scratch directories of test fixtures
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void natter_test_remove_tree (const char *path);

G_END_DECLS
