/* test-window.c: the application opens a real window that draws
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui/ui.h"

#include "natter-test-ui.h"

typedef void (*AppTestFunc) (NatterApplication *app);

static gboolean
run_test_cb (gpointer user_data)
{
  AppTestFunc func = user_data;
  GApplication *app = g_application_get_default ();

  func (NATTER_APPLICATION (app));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  g_idle_add (run_test_cb, user_data);
}

/* Runs @func inside a real g_application_run(), after activation, so the
 * application starts and shuts down as it does for users. */
static void
with_application (AppTestFunc func)
{
  NatterApplication *app = natter_application_new ();
  int status;

  /* Tests run side by side: no D-Bus name, no single instance. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), func);
  status = g_application_run (G_APPLICATION (app), 0, NULL);

  g_assert_cmpint (status, ==, 0);
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_finalize_object (app);
}

static void
window_draws (NatterApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autofree char *path = NULL;

  g_assert_true (NATTER_IS_WINDOW (window));
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  path = natter_test_ui_save_png (GTK_WIDGET (window), "main-window-empty");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* With no account, the window welcomes the user and offers to add one. */
  g_assert_true (gtk_widget_get_mapped (natter_test_ui_find_descendant (GTK_WIDGET (window),
                                                                       GTK_TYPE_BUTTON,
                                                                       "_Add Account")));
  natter_test_ui_save_screens (window, "main-window-welcome", 700);
}

static void
window_size_remembered (NatterApplication *app)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 480);

  gtk_window_set_default_size (window, 720, 530);
  natter_test_ui_wait_for_frame (GTK_WIDGET (window));
  gtk_window_close (window);
  natter_test_ui_spin (50);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 720);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 530);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
test_window_size_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_int (settings, "window-width", 640);
  g_settings_set_int (settings, "window-height", 480);
  with_application (window_size_remembered);
}

static void
actions_and_shortcuts (NatterApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_auto(GStrv) quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                     "app.quit");
  g_auto(GStrv) help_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                     "win.show-help-overlay");
  GtkShortcutsWindow *overlay;
  GList *windows;

  g_auto(GStrv) preferences_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                           "app.preferences");
  g_auto(GStrv) search_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                       "win.search");
  g_auto(GStrv) add_contact_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                            "win.add-contact");

  g_assert_true (g_strv_contains ((const char * const *) quit_accels, "<Control>q"));
  g_assert_true (g_strv_contains ((const char * const *) help_accels, "<Control>question"));
  g_assert_true (g_strv_contains ((const char * const *) preferences_accels, "<Control>comma"));
  g_assert_true (g_strv_contains ((const char * const *) search_accels, "<Control>k"));
  g_assert_true (g_strv_contains ((const char * const *) add_contact_accels,
                                  "<Shift><Control>n"));

  /* The shortcuts window comes from our resources. */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  natter_test_ui_wait_for_frame (GTK_WIDGET (overlay));
  g_free (natter_test_ui_save_png (GTK_WIDGET (overlay), "shortcuts"));
  gtk_window_close (GTK_WINDOW (overlay));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_true (ADW_IS_ABOUT_WINDOW (windows->data));
  natter_test_ui_wait_for_frame (GTK_WIDGET (windows->data));
  g_free (natter_test_ui_save_png (GTK_WIDGET (windows->data), "about"));
}

static void
test_window_draws (void)
{
  with_application (window_draws);
}

static void
test_actions_and_shortcuts (void)
{
  with_application (actions_and_shortcuts);
}

int
main (int   argc,
      char *argv[])
{
  natter_test_ui_init (&argc, &argv);
  adw_init ();

  g_test_add_func ("/natter/ui/window/draws", test_window_draws);
  g_test_add_func ("/natter/ui/window/size-remembered", test_window_size_remembered);
  g_test_add_func ("/natter/ui/window/actions-and-shortcuts", test_actions_and_shortcuts);

  return g_test_run ();
}
