/* natter-window.c: the main window
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A leaflet with the contacts of every account in the sidebar and the
 * content pane beside it, which folds to one pane on a narrow window.
 * With no account yet the window welcomes the user instead.
 */
#include "config.h"

#include "natter-window.h"

#include <glib/gi18n.h>

#include "natter-contact-dialog.h"
#include "natter-contact-model.h"
#include "natter-contact-row.h"
#include "natter-presence-button.h"
#include "natter-window-private.h"


G_DEFINE_FINAL_TYPE (NatterWindow, natter_window, ADW_TYPE_APPLICATION_WINDOW)

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/**
 * natter_window_add_toast:
 * @self: the main window
 * @message: plain text, e.g. an error message, shown as it is
 *
 * Shows @message in a toast.  Toast titles are markup, so the text is
 * escaped: messages quote addresses and names that come from elsewhere.
 */
void
natter_window_add_toast (NatterWindow *self,
                         const char   *message)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (NATTER_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  escaped = g_markup_escape_text (message, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static void
update_pages (NatterWindow *self)
{
  guint n_visible;

  if (self->accounts == NULL)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "broken");
      return;
    }

  gtk_stack_set_visible_child_name (self->main_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) > 0
                                    ? "main" : "welcome");

  n_visible = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  if (n_visible > 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "contacts");
  else if (natter_contact_model_get_n_contacts (self->contacts) > 0)
    gtk_stack_set_visible_child_name (self->sidebar_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->sidebar_stack, "no-contacts");
}

static void
model_changed_cb (NatterWindow *self)
{
  update_pages (self);
}

/* ------------------------------------------------------------------------
 * The contact list
 * ------------------------------------------------------------------------ */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              NatterWindow             *self)
{
  GtkWidget *row = natter_contact_row_new ();

  g_object_bind_property (self->contacts, "multiple-accounts", row, "show-account",
                          G_BINDING_SYNC_CREATE);
  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             NatterWindow             *self)
{
  natter_contact_row_set_contact (NATTER_CONTACT_ROW (gtk_list_item_get_child (item)),
                                  gtk_list_item_get_item (item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               NatterWindow             *self)
{
  natter_contact_row_set_contact (NATTER_CONTACT_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
on_contact_list_activate_cb (NatterWindow *self,
                             guint         position)
{
  g_autoptr(NatterContact) contact = NULL;

  contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), position);
  if (contact != NULL)
    natter_window_show_contact (self, contact);
}

static void
on_search_entry_search_changed_cb (NatterWindow *self)
{
  natter_contact_model_set_search (self->contacts,
                                   gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_entry_stop_search_cb (NatterWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Enter in the search field opens the first match. */
static void
on_search_entry_activate_cb (NatterWindow *self)
{
  g_autoptr(NatterContact) contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), 0);

  if (contact != NULL && natter_contact_model_get_search (self->contacts) != NULL)
    natter_window_show_contact (self, contact);
}

static void
on_back_button_clicked_cb (NatterWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

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

/* Binds the window to the application's accounts.  GtkWindow:application
 * is not a construct property, so this runs once the window has it. */
static void
bind_accounts (NatterWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GtkListItemFactory *factory;
  GtkNoSelection *selection;

  if (NATTER_IS_APPLICATION (app))
    self->accounts = natter_application_get_accounts (NATTER_APPLICATION (app));
  if (self->accounts == NULL)
    {
      const GError *error = NATTER_IS_APPLICATION (app)
                            ? natter_application_get_error (NATTER_APPLICATION (app)) : NULL;
      g_autofree char *escaped = g_markup_escape_text (error != NULL ? error->message : "", -1);

      adw_status_page_set_description (self->broken_page, escaped);
      update_pages (self);
      return;
    }
  g_object_ref (self->accounts);

  self->contacts = natter_contact_model_new (self->accounts);
  natter_presence_button_set_accounts (self->presence_button, self->accounts);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->contact_list, factory);
  g_object_unref (factory);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->contacts)));
  gtk_list_view_set_model (self->contact_list, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->contacts, "items-changed", G_CALLBACK (model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->contacts, "notify::n-contacts", G_CALLBACK (model_changed_cb),
                           self, G_CONNECT_SWAPPED);
  update_pages (self);
}

static void
natter_window_dispose (GObject *object)
{
  NatterWindow *self = NATTER_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->contact_list != NULL)
    gtk_list_view_set_model (self->contact_list, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_WINDOW);
  g_clear_object (&self->contacts);
  g_clear_object (&self->accounts);
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

  g_type_ensure (NATTER_TYPE_PRESENCE_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/natter-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, broken_page);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, presence_button);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, NatterWindow, contact_list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_contact_list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_button_clicked_cb);

  natter_window_class_actions_init (widget_class);
}

static void
natter_window_init (NatterWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
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
  NatterWindow *self;

  g_return_val_if_fail (NATTER_IS_APPLICATION (application), NULL);

  self = g_object_new (NATTER_TYPE_WINDOW,
                       "application", application,
                       NULL);
  bind_accounts (self);
  return self;
}

/**
 * natter_window_show_contact:
 * @self: the main window
 * @contact: a contact
 *
 * Opens the details of @contact.
 */
void
natter_window_show_contact (NatterWindow  *self,
                            NatterContact *contact)
{
  GtkWidget *dialog;

  g_return_if_fail (NATTER_IS_WINDOW (self));
  g_return_if_fail (NATTER_IS_CONTACT (contact));

  dialog = natter_contact_dialog_new (self, contact);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * natter_window_get_contacts:
 * @self: the main window
 *
 * Returns: (transfer none) (nullable): the contacts the sidebar shows
 */
GListModel *
natter_window_get_contacts (NatterWindow *self)
{
  g_return_val_if_fail (NATTER_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->contacts);
}

/**
 * natter_window_get_folded:
 * @self: the main window
 *
 * Returns: whether the window shows one pane at a time
 */
gboolean
natter_window_get_folded (NatterWindow *self)
{
  g_return_val_if_fail (NATTER_IS_WINDOW (self), FALSE);

  return adw_leaflet_get_folded (self->leaflet);
}
