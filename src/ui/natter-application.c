/* natter-application.c: the application object
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One instance per user session (GApplication's D-Bus uniqueness): a second
 * `natter` raises the existing window.  Application-wide actions live here;
 * GtkApplication loads gtk/help-overlay.ui from our resources by itself and
 * binds Ctrl+? to the shortcuts window.
 */
#include "config.h"

#include "natter-application.h"

#include <glib/gi18n.h>

#include "natter-window.h"

struct _NatterApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (NatterApplication, natter_application, ADW_TYPE_APPLICATION)

static void
natter_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (natter_window_new (NATTER_APPLICATION (app)));

  gtk_window_present (window);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  GList *windows;

  /* Close windows first so they save their state, then quit. */
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  while (windows != NULL)
    {
      GtkWindow *window = windows->data;

      windows = windows->next;
      gtk_window_destroy (window);
    }
  g_application_quit (app);
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Natter developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application-name", PACKAGE_NAME,
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Natter developers"),
                        "developers", developers,
                        "comments", _("Chat over XMPP with end-to-end encryption"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Natter developers",
                        /* TRANSLATORS: your name and e-mail, one per line */
                        "translator-credits", _("translator-credits"),
                        "application", app,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated_cb },
  { .name = "about", .activate = about_activated_cb },
};

static void
natter_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (natter_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
natter_application_class_init (NatterApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = natter_application_activate;
  app_class->startup = natter_application_startup;
}

static void
natter_application_init (NatterApplication *self)
{
}

/**
 * natter_application_new:
 *
 * Returns: (transfer full): the application, not yet registered
 */
NatterApplication *
natter_application_new (void)
{
  return g_object_new (NATTER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
