/* natter-window-actions.c: the main window's actions
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * win.search, win.add-contact, moving between conversations, and the
 * actions on one contact, which take (account JID, contact JID) so rows,
 * dialogs and tests can name it.  Blocking takes any address, in the
 * roster or not, so the chat of a stranger can offer it too.
 * Their shortcuts are set by the application (natter-application.c), so
 * the shortcuts window shows them.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "natter-add-contact-dialog.h"
#include "natter-block-dialog.h"
#include "natter-devices-dialog.h"
#include "natter-window-private.h"

/* The account of an "(ss)" parameter, and the contact's JID in it. */
static NatterAccount *
lookup_account (NatterWindow  *self,
                GVariant      *parameter,
                const char   **contact_jid)
{
  const char *account_jid;

  if (self->accounts == NULL)
    return NULL;
  g_variant_get (parameter, "(&s&s)", &account_jid, contact_jid);
  return natter_account_list_lookup (self->accounts, account_jid);
}

static NatterContact *
lookup_contact (NatterWindow  *self,
                GVariant      *parameter,
                NatterRoster **roster)
{
  const char *contact_jid;
  NatterAccount *account = lookup_account (self, parameter, &contact_jid);
  NatterContact *contact;

  if (account == NULL)
    return NULL;
  contact = natter_roster_lookup (natter_account_get_roster (account), contact_jid);
  if (contact != NULL && roster != NULL)
    *roster = natter_account_get_roster (account);
  return contact;
}

static void
search_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);

  if (self->contacts == NULL ||
      g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) == 0)
    return;
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
back_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* A new conversation starts from the contacts, or from an address typed
 * into the search field. */
static void
new_conversation_activated_cb (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);

  if (self->contacts == NULL ||
      g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) == 0)
    return;
  natter_window_show_sidebar_page (self, "contacts");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Ctrl+Page Down/Up: the next or previous conversation of the sidebar.
 * The open one is looked up rather than taken from the selection, which
 * only has the conversations with a row yet. */
static void
step_conversation (NatterWindow *self,
                   int           step)
{
  NatterConversation *shown = natter_chat_view_get_conversation (self->chat_view);
  GListModel *model;
  guint n;
  guint selected = GTK_INVALID_LIST_POSITION;
  guint next;
  g_autoptr(NatterConversation) conversation = NULL;

  if (self->visible_conversations == NULL)
    return;
  model = G_LIST_MODEL (self->visible_conversations);
  n = g_list_model_get_n_items (model);
  if (n == 0)
    return;
  for (guint i = 0; shown != NULL && i < n && selected == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr(NatterConversation) item = g_list_model_get_item (model, i);

      if (item == shown)
        selected = i;
    }
  if (selected == GTK_INVALID_LIST_POSITION)
    next = step > 0 ? 0 : n - 1;
  else
    next = (selected + n + step) % n;
  conversation = g_list_model_get_item (model, next);
  natter_window_open_conversation (self, conversation);
}

static void
next_conversation_activated_cb (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  step_conversation (NATTER_WINDOW (widget), 1);
}

static void
previous_conversation_activated_cb (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  step_conversation (NATTER_WINDOW (widget), -1);
}

/* win.open-chat (account JID, peer JID) */
static void
open_chat_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  const char *peer;
  NatterAccount *account = lookup_account (self, parameter, &peer);

  if (account != NULL)
    natter_window_open_chat (self, account, peer);
}

static void
add_contact_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  GtkWidget *dialog;

  if (self->accounts == NULL)
    return;
  dialog = natter_add_contact_dialog_new (GTK_WINDOW (self), self->accounts);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* win.devices (account JID, contact JID): the contact's OMEMO devices */
static void
devices_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  const char *contact_jid;
  NatterAccount *account = lookup_account (self, parameter, &contact_jid);

  if (account != NULL)
    gtk_window_present (GTK_WINDOW (natter_devices_dialog_new (GTK_WINDOW (self), account,
                                                               contact_jid)));
}

/* win.add-contact-address (account JID, contact JID): the add dialog,
 * filled in, e.g. for a stranger who wrote. */
static void
add_contact_address_activated_cb (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  const char *contact_jid;
  NatterAccount *account = lookup_account (self, parameter, &contact_jid);
  GtkWidget *dialog;

  if (self->accounts == NULL)
    return;
  dialog = natter_add_contact_dialog_new (GTK_WINDOW (self), self->accounts);
  if (account != NULL)
    natter_add_contact_dialog_set_account (NATTER_ADD_CONTACT_DIALOG (dialog), account);
  natter_add_contact_dialog_set_address (NATTER_ADD_CONTACT_DIALOG (dialog), contact_jid, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
answer_request (NatterWindow *self,
                GVariant     *parameter,
                gboolean      approve)
{
  g_autoptr(GError) error = NULL;
  NatterRoster *roster = NULL;
  NatterContact *contact = lookup_contact (self, parameter, &roster);

  if (contact == NULL)
    return;
  if (approve ? !natter_roster_approve (roster, contact, &error)
              : !natter_roster_deny (roster, contact, &error))
    natter_window_add_toast (self, error->message);
}

static void
accept_contact_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  answer_request (NATTER_WINDOW (widget), parameter, TRUE);
}

static void
deny_contact_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  answer_request (NATTER_WINDOW (widget), parameter, FALSE);
}

static void
contact_details_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  NatterContact *contact = lookup_contact (self, parameter, NULL);

  if (contact != NULL)
    natter_window_show_contact (self, contact);
}

static void
remove_contact_finished_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!natter_roster_remove_contact_finish (NATTER_ROSTER (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        natter_window_add_toast (NATTER_WINDOW (user_data), error->message);
    }
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    NatterWindow     *self)
{
  NatterContact *contact = g_object_get_data (G_OBJECT (dialog), "natter-contact");
  NatterAccount *account;

  if (g_strcmp0 (response, "remove") != 0 || contact == NULL)
    return;
  account = natter_contact_get_account (contact);
  if (account == NULL)
    return;
  natter_roster_remove_contact_async (natter_account_get_roster (account), contact,
                                      self->cancellable, remove_contact_finished_cb, self);
}

/**
 * natter_window_confirm_remove_contact:
 * @self: the main window
 * @contact: a contact
 * @parent: (nullable): the window to attach the question to, or %NULL for
 *   the main window
 *
 * Asks whether to remove @contact, and removes it if the user agrees.
 */
void
natter_window_confirm_remove_contact (NatterWindow  *self,
                                      NatterContact *contact,
                                      GtkWindow     *parent)
{
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  g_return_if_fail (NATTER_IS_WINDOW (self));
  g_return_if_fail (NATTER_IS_CONTACT (contact));

  /* TRANSLATORS: %s is a contact's name */
  heading = g_strdup_printf (_("Remove %s?"), natter_contact_get_name (contact));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent != NULL ? parent : GTK_WINDOW (self),
                                                       heading, NULL));
  adw_message_dialog_set_body (dialog,
                               _("The contact is removed from this account on every device, "
                                 "and neither of you sees the other’s presence any more."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "natter-contact", g_object_ref (contact),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remove_contact_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  NatterContact *contact = lookup_contact (self, parameter, NULL);

  if (contact != NULL)
    natter_window_confirm_remove_contact (self, contact, NULL);
}

/* ------------------------------------------------------------------------
 * Blocking (XEP-0191)
 * ------------------------------------------------------------------------ */

static void
blocklist_edited_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  NatterRoster *roster = NATTER_ROSTER (object);
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (g_task_get_source_tag (G_TASK (result)) == natter_roster_block_async)
    done = natter_roster_block_finish (roster, result, &error);
  else
    done = natter_roster_unblock_finish (roster, result, &error);

  /* Cancelled when the window goes, so it is still there otherwise. */
  if (!done && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    natter_window_add_toast (NATTER_WINDOW (user_data), error->message);
}

static void
block_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   NatterWindow     *self)
{
  const char *account_jid = g_object_get_data (G_OBJECT (dialog), "natter-account-jid");
  const char *contact_jid = g_object_get_data (G_OBJECT (dialog), "natter-contact-jid");
  NatterAccount *account;

  if (g_strcmp0 (response, "block") != 0 || self->accounts == NULL)
    return;
  /* The account may have been removed while the question was open. */
  account = natter_account_list_lookup (self->accounts, account_jid);
  if (account == NULL)
    return;
  natter_roster_block_async (natter_account_get_roster (account), contact_jid,
                             self->cancellable, blocklist_edited_cb, self);
}

/* win.block-contact (account JID, contact JID): asks first, as blocking
 * cuts the contact off on every device. */
static void
block_contact_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  const char *contact_jid = NULL;
  NatterAccount *account = lookup_account (self, parameter, &contact_jid);
  NatterContact *contact;
  AdwMessageDialog *dialog;

  if (account == NULL)
    return;
  contact = natter_roster_lookup (natter_account_get_roster (account), contact_jid);

  dialog = natter_block_dialog_new (GTK_WINDOW (self),
                                    contact != NULL ? natter_contact_get_name (contact)
                                                    : contact_jid);
  g_object_set_data_full (G_OBJECT (dialog), "natter-account-jid",
                          g_strdup (natter_account_get_jid (account)), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "natter-contact-jid", g_strdup (contact_jid), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (block_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* win.unblock-contact (account JID, contact JID): undoes at once. */
static void
unblock_contact_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  NatterWindow *self = NATTER_WINDOW (widget);
  const char *contact_jid = NULL;
  NatterAccount *account = lookup_account (self, parameter, &contact_jid);

  if (account == NULL)
    return;
  natter_roster_unblock_async (natter_account_get_roster (account), contact_jid,
                               self->cancellable, blocklist_edited_cb, self);
}

/**
 * natter_window_class_actions_init:
 * @widget_class: NatterWindow's class
 *
 * Installs the win.* actions.
 */
void
natter_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.new-conversation", NULL,
                                   new_conversation_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.next-conversation", NULL,
                                   next_conversation_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.previous-conversation", NULL,
                                   previous_conversation_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.open-chat", "(ss)", open_chat_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.add-contact", NULL, add_contact_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.add-contact-address", "(ss)",
                                   add_contact_address_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.devices", "(ss)", devices_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.accept-contact", "(ss)",
                                   accept_contact_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.deny-contact", "(ss)",
                                   deny_contact_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.contact-details", "(ss)",
                                   contact_details_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.remove-contact", "(ss)",
                                   remove_contact_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.block-contact", "(ss)",
                                   block_contact_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.unblock-contact", "(ss)",
                                   unblock_contact_activated_cb);
}
