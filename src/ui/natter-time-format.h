/* natter-time-format.h: how the interface writes times and days
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *natter_time_format_relative (gint64 usec,
                                   gint64 now_usec) G_GNUC_WARN_UNUSED_RESULT;
char *natter_time_format_clock    (gint64 usec) G_GNUC_WARN_UNUSED_RESULT;
char *natter_time_format_day      (gint64 usec,
                                   gint64 now_usec) G_GNUC_WARN_UNUSED_RESULT;
gboolean natter_time_same_day     (gint64 a_usec,
                                   gint64 b_usec);

G_END_DECLS
