/* natter-window.c: the main window
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-window.h"

#include <glib/gi18n.h>

struct _NatterWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwStatusPage *empty_page;
};

G_DEFINE_FINAL_TYPE (NatterWindow, natter_window, ADW_TYPE_APPLICATION_WINDOW)

/* The size is saved when the window closes rather than on every resize, so
 * a drag does not write to dconf many times a second. */
static gboolean
natter_window_close_request (GtkWindow *window)
{
  NatterWindow *self = NATTER_WINDOW (window);
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (natter_window_parent_class)->close_request (window);
}

static void
natter_window_dispose (GObject *object)
{
  NatterWindow *self = NATTER_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (natter_window_parent_class)->dispose (object);
}

static void
natter_window_class_init (NatterWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = natter_window_dispose;
  window_class->close_request = natter_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/natter-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, empty_page);
}

static void
natter_window_init (NatterWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/**
 * natter_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new main window
 */
NatterWindow *
natter_window_new (NatterApplication *application)
{
  g_return_val_if_fail (NATTER_IS_APPLICATION (application), NULL);

  return g_object_new (NATTER_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
