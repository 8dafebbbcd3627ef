/* natter-test-ui.h: helpers for tests that drive the real window
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void        natter_test_ui_init             (int        *argc,
                                             char     ***argv);
void        natter_test_ui_wait_for_frame   (GtkWidget  *widget);
GdkTexture *natter_test_ui_render           (GtkWidget  *widget);
char       *natter_test_ui_save_png         (GtkWidget  *widget,
                                             const char *name);
guint       natter_test_ui_count_colours    (GdkTexture *texture);
void        natter_test_ui_spin             (guint       milliseconds);

G_END_DECLS
