/* natter-contact-dialog.c: a contact's details
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contact's address, account, presence and devices, who sees whose
 * presence, and the contact's name, which can be changed here; a request
 * to see our presence can be answered, and the contact blocked (after a
 * question), unblocked or removed.  Names,
 * resources and status messages come from other people, so they go into
 * plain labels and rows without markup.
 */
#include "config.h"

#include "natter-contact-dialog.h"

#include <glib/gi18n.h>

#include "natter-toast.h"

#include "natter-avatar.h"
#include "natter-block-dialog.h"
#include "natter-devices-dialog.h"
#include "natter-presence-display.h"
#include "natter-weak-ref.h"

struct _NatterContactDialog
{
  AdwWindow        parent_instance;

  NatterWindow    *window;       /* weak */
  NatterContact   *contact;
  NatterRoster    *roster;

  AdwToastOverlay *toast_overlay;
  NatterAvatar    *avatar;
  GtkLabel        *name_label;
  GtkLabel        *jid_label;
  AdwPreferencesGroup *request_group;
  AdwPreferencesGroup *blocked_group;
  GtkButton       *block_button;
  AdwEntryRow     *name_row;
  AdwActionRow    *account_row;
  AdwActionRow    *presence_row;
  GtkImage        *presence_icon;
  AdwActionRow    *subscription_row;
  AdwPreferencesGroup *devices_group;
  GtkListBox      *devices_list;
};

G_DEFINE_FINAL_TYPE (NatterContactDialog, natter_contact_dialog, ADW_TYPE_WINDOW)

static void
add_toast (NatterContactDialog *self,
           const char          *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, natter_toast_new_for_text (message));
}

static char *
describe_presence (NatterPresenceShow  show,
                   const char         *status)
{
  if (status == NULL || status[0] == '\0')
    return g_strdup (natter_presence_show_get_label (show));
  /* TRANSLATORS: an availability and a status message, e.g. "Away — At lunch" */
  return g_strdup_printf (_("%s — %s"), natter_presence_show_get_label (show), status);
}

static void
update (NatterContactDialog *self)
{
  NatterContact *contact = self->contact;
  NatterAccount *account = natter_contact_get_account (contact);
  NatterPresenceShow show = natter_contact_get_show (contact);
  const char *roster_name = natter_contact_get_roster_name (contact);
  gboolean blocked = natter_contact_get_blocked (contact);
  g_autofree char *presence = NULL;
  g_autofree char *subscription = natter_contact_dup_subscription_description (contact);

  /* The server lets no presence of a blocked contact through, so what we
   * last heard (status, devices) says nothing about now. */
  if (blocked)
    {
      show = NATTER_PRESENCE_SHOW_OFFLINE;
      presence = g_strdup (_("Not shown while blocked"));
    }
  else
    presence = describe_presence (show, natter_contact_get_status (contact));

  natter_avatar_set_text (self->avatar, natter_contact_get_name (contact));
  natter_avatar_set_identity (self->avatar, natter_contact_get_jid (contact));
  gtk_label_set_text (self->name_label, natter_contact_get_name (contact));
  gtk_label_set_text (self->jid_label, natter_contact_get_jid (contact));

  /* Typing in the name is not overwritten by a presence change. */
  if (!gtk_widget_has_focus (GTK_WIDGET (self->name_row)) &&
      !gtk_widget_is_focus (GTK_WIDGET (self->name_row)))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), roster_name != NULL ? roster_name : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), natter_contact_get_in_roster (contact));

  if (account != NULL)
    {
      g_autofree char *title = natter_account_dup_title (account);

      adw_action_row_set_subtitle (self->account_row, title);
    }
  adw_action_row_set_subtitle (self->presence_row, presence);
  natter_presence_show_apply (self->presence_icon, show);
  adw_action_row_set_subtitle (self->subscription_row, subscription);
  gtk_widget_set_visible (GTK_WIDGET (self->request_group),
                          natter_contact_get_pending_in (contact));

  gtk_widget_set_visible (GTK_WIDGET (self->blocked_group), blocked);
  gtk_widget_set_visible (GTK_WIDGET (self->devices_group), !blocked);
  gtk_widget_set_visible (GTK_WIDGET (self->block_button), !blocked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contact.block", !blocked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contact.unblock", blocked);
}

/* A contact that leaves its roster has nothing left to show. */
static void
roster_changed_cb (NatterContactDialog *self)
{
  if (natter_roster_lookup (self->roster, natter_contact_get_jid (self->contact)) != self->contact)
    gtk_window_destroy (GTK_WINDOW (self));
}

/* ------------------------------------------------------------------------
 * Devices
 * ------------------------------------------------------------------------ */

static void
update_device_row (AdwActionRow   *row,
                   GParamSpec     *pspec,
                   NatterResource *resource)
{
  g_autofree char *presence = describe_presence (natter_resource_get_show (resource),
                                                 natter_resource_get_status (resource));

  adw_action_row_set_subtitle (row, presence);
}

static GtkWidget *
create_device_row (gpointer item,
                   gpointer user_data)
{
  NatterResource *resource = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (
    natter_presence_show_get_icon_name (natter_resource_get_show (resource)));
  const char *name = natter_resource_get_resource (resource);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL ? name : "");
  gtk_widget_add_css_class (icon, natter_presence_show_get_css_class (
                                    natter_resource_get_show (resource)));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  update_device_row (ADW_ACTION_ROW (row), NULL, resource);
  g_signal_connect_object (resource, "notify", G_CALLBACK (update_device_row), row,
                           G_CONNECT_SWAPPED);
  return row;
}

/* ------------------------------------------------------------------------
 * Actions
 * ------------------------------------------------------------------------ */

static void
renamed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NatterContactDialog) self = natter_weak_ref_free (user_data);
  g_autoptr(GError) error = NULL;

  /* The dialog may have been closed meanwhile. */
  if (!natter_roster_rename_contact_finish (NATTER_ROSTER (object), result, &error) &&
      self != NULL && self->contact != NULL)
    add_toast (self, error->message);
}

static void
on_name_row_apply_cb (NatterContactDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *name = g_strstrip (g_strdup (text));

  natter_roster_rename_contact_async (self->roster, self->contact, name[0] != '\0' ? name : NULL,
                                      NULL, renamed_cb, natter_weak_ref_new (self));
}

static void
answer (NatterContactDialog *self,
        gboolean             approve)
{
  g_autoptr(GError) error = NULL;

  if (approve ? !natter_roster_approve (self->roster, self->contact, &error)
              : !natter_roster_deny (self->roster, self->contact, &error))
    add_toast (self, error->message);
}

static void
accept_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  answer (NATTER_CONTACT_DIALOG (widget), TRUE);
}

static void
deny_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  answer (NATTER_CONTACT_DIALOG (widget), FALSE);
}

static void
remove_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  NatterContactDialog *self = NATTER_CONTACT_DIALOG (widget);

  if (self->window != NULL)
    natter_window_confirm_remove_contact (self->window, self->contact, GTK_WINDOW (self));
}

static void
blocklist_edited_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(NatterContactDialog) self = natter_weak_ref_free (user_data);
  NatterRoster *roster = NATTER_ROSTER (object);
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (g_task_get_source_tag (G_TASK (result)) == natter_roster_block_async)
    done = natter_roster_block_finish (roster, result, &error);
  else
    done = natter_roster_unblock_finish (roster, result, &error);

  /* The dialog may have been closed meanwhile. */
  if (!done && self != NULL && self->contact != NULL)
    add_toast (self, error->message);
}

static void
block_response_cb (AdwMessageDialog    *dialog,
                   const char          *response,
                   NatterContactDialog *self)
{
  if (g_strcmp0 (response, "block") != 0 || self->contact == NULL)
    return;
  natter_roster_block_async (self->roster, natter_contact_get_jid (self->contact), NULL,
                             blocklist_edited_cb, natter_weak_ref_new (self));
}

/* Asks first: blocking cuts the contact off on every device. */
static void
block_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  NatterContactDialog *self = NATTER_CONTACT_DIALOG (widget);
  AdwMessageDialog *dialog;

  dialog = natter_block_dialog_new (GTK_WINDOW (self), natter_contact_get_name (self->contact));
  g_signal_connect_object (dialog, "response", G_CALLBACK (block_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
unblock_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NatterContactDialog *self = NATTER_CONTACT_DIALOG (widget);

  natter_roster_unblock_async (self->roster, natter_contact_get_jid (self->contact), NULL,
                               blocklist_edited_cb, natter_weak_ref_new (self));
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static void
devices_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NatterContactDialog *self = NATTER_CONTACT_DIALOG (widget);
  NatterAccount *account = self->contact != NULL ? natter_contact_get_account (self->contact) : NULL;

  if (account != NULL)
    gtk_window_present (GTK_WINDOW (natter_devices_dialog_new (GTK_WINDOW (self), account,
                                                               natter_contact_get_jid (self->contact))));
}

static void
natter_contact_dialog_dispose (GObject *object)
{
  NatterContactDialog *self = NATTER_CONTACT_DIALOG (object);

  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_data (self->contact, self);
  if (self->roster != NULL)
    g_signal_handlers_disconnect_by_data (self->roster, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_CONTACT_DIALOG);
  g_clear_object (&self->contact);
  g_clear_object (&self->roster);

  G_OBJECT_CLASS (natter_contact_dialog_parent_class)->dispose (object);
}

static void
natter_contact_dialog_class_init (NatterContactDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_contact_dialog_dispose;

  g_type_ensure (NATTER_TYPE_AVATAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-contact-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, avatar);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, name_label);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, jid_label);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, request_group);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, blocked_group);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, block_button);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, account_row);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, presence_row);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, presence_icon);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, subscription_row);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, devices_group);
  gtk_widget_class_bind_template_child (widget_class, NatterContactDialog, devices_list);
  gtk_widget_class_bind_template_callback (widget_class, on_name_row_apply_cb);

  gtk_widget_class_install_action (widget_class, "contact.accept", NULL, accept_activated_cb);
  gtk_widget_class_install_action (widget_class, "contact.deny", NULL, deny_activated_cb);
  gtk_widget_class_install_action (widget_class, "contact.remove", NULL, remove_activated_cb);
  gtk_widget_class_install_action (widget_class, "contact.block", NULL, block_activated_cb);
  gtk_widget_class_install_action (widget_class, "contact.devices", NULL, devices_activated_cb);
  gtk_widget_class_install_action (widget_class, "contact.unblock", NULL, unblock_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
natter_contact_dialog_init (NatterContactDialog *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_("No device is online"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->devices_list, placeholder);
}

/**
 * natter_contact_dialog_new:
 * @window: the main window
 * @contact: the contact to show
 *
 * Returns: (transfer full): a new dialog, not shown yet
 */
GtkWidget *
natter_contact_dialog_new (NatterWindow  *window,
                           NatterContact *contact)
{
  NatterContactDialog *self;
  NatterAccount *account;

  g_return_val_if_fail (NATTER_IS_WINDOW (window), NULL);
  g_return_val_if_fail (NATTER_IS_CONTACT (contact), NULL);

  account = natter_contact_get_account (contact);
  g_return_val_if_fail (account != NULL, NULL);

  self = g_object_new (NATTER_TYPE_CONTACT_DIALOG,
                       "transient-for", window,
                       "application", gtk_window_get_application (GTK_WINDOW (window)),
                       NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->contact = g_object_ref (contact);
  self->roster = g_object_ref (natter_account_get_roster (account));

  gtk_list_box_bind_model (self->devices_list, natter_contact_get_resources (contact),
                           create_device_row, NULL, NULL);
  g_signal_connect_swapped (contact, "notify", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->roster, "items-changed", G_CALLBACK (roster_changed_cb), self);
  update (self);

  return GTK_WIDGET (self);
}

/**
 * natter_contact_dialog_get_contact:
 * @self: a contact dialog
 *
 * Returns: (transfer none): the contact shown
 */
NatterContact *
natter_contact_dialog_get_contact (NatterContactDialog *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT_DIALOG (self), NULL);

  return self->contact;
}
