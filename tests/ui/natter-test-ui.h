/* natter-test-ui.h: helpers for tests that drive the real window
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef void (*NatterTestUiAppFunc) (GApplication *app,
                                     gpointer      user_data);

/* Spins the main context until @condition holds, failing the test after
 * @seconds; a tick wakes the loop so the condition is checked even when
 * nothing else happens. */
#define NATTER_TEST_UI_WAIT(condition, seconds)                                       \
  G_STMT_START {                                                                      \
    gint64 natter_test_deadline_ = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC; \
    guint natter_test_tick_ = g_timeout_add (20, natter_test_ui_tick_cb, NULL);       \
    while (!(condition) && g_get_monotonic_time () < natter_test_deadline_)           \
      g_main_context_iteration (NULL, TRUE);                                          \
    g_source_remove (natter_test_tick_);                                              \
    if (!(condition))                                                                 \
      g_error ("%s:%d: timed out after %d s waiting for %s",                          \
               __FILE__, __LINE__, (int) (seconds), #condition);                      \
  } G_STMT_END

void        natter_test_ui_init             (int        *argc,
                                             char     ***argv);
void        natter_test_ui_wait_for_frame   (GtkWidget  *widget);
GdkTexture *natter_test_ui_render           (GtkWidget  *widget);
char       *natter_test_ui_save_png         (GtkWidget  *widget,
                                             const char *name);
guint       natter_test_ui_count_colours    (GdkTexture *texture);
void        natter_test_ui_spin             (guint       milliseconds);
gboolean    natter_test_ui_tick_cb          (gpointer    user_data);

int         natter_test_ui_run_application  (GApplication        *app,
                                             NatterTestUiAppFunc  func,
                                             gpointer             user_data);
GtkWindow  *natter_test_ui_find_window      (GType       type);
GtkWidget  *natter_test_ui_find_descendant  (GtkWidget  *root,
                                             GType       type,
                                             const char *text);
GPtrArray  *natter_test_ui_find_all         (GtkWidget  *root,
                                             GType       type);
void        natter_test_ui_save_screens     (GtkWindow  *window,
                                             const char *name,
                                             int         height);

G_END_DECLS
