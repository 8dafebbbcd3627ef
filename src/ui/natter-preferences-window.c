/* natter-preferences-window.c: the preferences
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The accounts with their state and last error, a switch each to enable
 * them, their settings on a page of their own, and removal after a
 * confirmation.  The actions take the account's JID, so the rows, the
 * account page and tests share them.
 */
#include "config.h"

#include "natter-preferences-window.h"

#include <glib/gi18n.h>

#include "natter-toast.h"
#include <string.h>

#include "natter-account-page.h"
#include "natter-account-row.h"
#include "natter-certificate-dialog.h"
#include "natter-weak-ref.h"

struct _NatterPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  NatterAccountList   *accounts;
  GtkWidget           *page;        /* weak: the account page shown */

  GSettings           *settings;

  GtkListBox          *accounts_list;
  GtkSwitch           *notify_switch;
  GtkSwitch           *notify_text_switch;
  GtkSwitch           *chat_states_switch;
  GtkSwitch           *receipts_switch;
  GtkSwitch           *markers_switch;
};

G_DEFINE_FINAL_TYPE (NatterPreferencesWindow, natter_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static void
add_toast (NatterPreferencesWindow *self,
           const char              *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), natter_toast_new_for_text (message));
}

static NatterAccount *
lookup_account (NatterPreferencesWindow *self,
                GVariant                *parameter)
{
  return natter_account_list_lookup (self->accounts, g_variant_get_string (parameter, NULL));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return natter_account_row_new (NATTER_ACCOUNT (item));
}

static void
close_page_of (NatterPreferencesWindow *self,
               NatterAccount           *account)
{
  NatterAccountPage *page = (NatterAccountPage *) self->page;

  if (page == NULL)
    return;
  if (account == NULL || natter_account_page_get_account (page) == account)
    adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

/* The account being edited may go, e.g. removed from the command line. */
static void
accounts_changed_cb (NatterPreferencesWindow *self)
{
  NatterAccount *account;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  if (self->page == NULL)
    return;
  account = natter_account_page_get_account (NATTER_ACCOUNT_PAGE (self->page));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterAccount) item = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (item == account)
        return;
    }
  close_page_of (self, NULL);
}

/* ------------------------------------------------------------------------
 * Actions
 * ------------------------------------------------------------------------ */

static void
edit_account_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  NatterPreferencesWindow *self = NATTER_PREFERENCES_WINDOW (widget);
  NatterAccount *account = lookup_account (self, parameter);

  if (account == NULL)
    return;
  if (self->page != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->page), (gpointer *) &self->page);
  self->page = natter_account_page_new (account);
  g_object_add_weak_pointer (G_OBJECT (self->page), (gpointer *) &self->page);
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), self->page);
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NatterPreferencesWindow) self = natter_weak_ref_free (user_data);
  g_autoptr(GError) error = NULL;

  if (!natter_account_list_remove_finish (NATTER_ACCOUNT_LIST (object), result, &error) &&
      self != NULL && self->accounts != NULL)
    add_toast (self, error->message);
}

static void
remove_response_cb (AdwMessageDialog        *dialog,
                    const char              *response,
                    NatterPreferencesWindow *self)
{
  NatterAccount *account = g_object_get_data (G_OBJECT (dialog), "natter-account");
  g_autofree char *message = NULL;

  if (g_strcmp0 (response, "remove") != 0 || account == NULL || self->accounts == NULL)
    return;

  close_page_of (self, account);
  /* TRANSLATORS: %s is the account's address */
  message = g_strdup_printf (_("Removed %s"), natter_account_get_jid (account));
  add_toast (self, message);
  natter_account_list_remove_async (self->accounts, account, NULL, removed_cb,
                                    natter_weak_ref_new (self));
}

static void
remove_account_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  NatterPreferencesWindow *self = NATTER_PREFERENCES_WINDOW (widget);
  NatterAccount *account = lookup_account (self, parameter);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (account == NULL)
    return;

  /* TRANSLATORS: %s is the account's address */
  heading = g_strdup_printf (_("Remove %s?"), natter_account_get_jid (account));
  body = g_strdup (_("Its messages, contacts, settings and saved password are deleted from this "
                     "computer. The account itself stays on its server."));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "natter-account", g_object_ref (account),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
certificate_trusted_cb (NatterCertificateDialog *dialog,
                        NatterPreferencesWindow *self)
{
  NatterAccount *account = g_object_get_data (G_OBJECT (dialog), "natter-account");
  g_autoptr(GError) error = NULL;

  if (account != NULL &&
      !natter_account_pin_certificate (account, natter_certificate_dialog_get_certificate (dialog),
                                       &error))
    add_toast (self, error->message);
}

static void
review_certificate_activated_cb (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  NatterPreferencesWindow *self = NATTER_PREFERENCES_WINDOW (widget);
  NatterAccount *account = lookup_account (self, parameter);
  GTlsCertificate *certificate;
  const char *jid;
  const char *at;
  GtkWidget *dialog;

  if (account == NULL)
    return;
  certificate = natter_account_get_untrusted_certificate (account);
  if (certificate == NULL)
    return;

  jid = natter_account_get_jid (account);
  at = strrchr (jid, '@');
  dialog = natter_certificate_dialog_new (GTK_WINDOW (self), at != NULL ? at + 1 : jid,
                                          certificate, natter_account_get_error (account));
  g_object_set_data_full (G_OBJECT (dialog), "natter-account", g_object_ref (account),
                          g_object_unref);
  g_signal_connect_object (dialog, "trusted", G_CALLBACK (certificate_trusted_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
connect_account_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  NatterAccount *account = lookup_account (NATTER_PREFERENCES_WINDOW (widget), parameter);

  if (account != NULL)
    natter_account_connect (account);
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static void
natter_preferences_window_dispose (GObject *object)
{
  NatterPreferencesWindow *self = NATTER_PREFERENCES_WINDOW (object);

  if (self->page != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->page), (gpointer *) &self->page);
  self->page = NULL;
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (natter_preferences_window_parent_class)->dispose (object);
}

static void
natter_preferences_window_class_init (NatterPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterPreferencesWindow, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, NatterPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, NatterPreferencesWindow, notify_text_switch);
  gtk_widget_class_bind_template_child (widget_class, NatterPreferencesWindow, chat_states_switch);
  gtk_widget_class_bind_template_child (widget_class, NatterPreferencesWindow, receipts_switch);
  gtk_widget_class_bind_template_child (widget_class, NatterPreferencesWindow, markers_switch);

  gtk_widget_class_install_action (widget_class, "prefs.edit-account", "s",
                                   edit_account_activated_cb);
  gtk_widget_class_install_action (widget_class, "prefs.remove-account", "s",
                                   remove_account_activated_cb);
  gtk_widget_class_install_action (widget_class, "prefs.review-certificate", "s",
                                   review_certificate_activated_cb);
  gtk_widget_class_install_action (widget_class, "prefs.connect-account", "s",
                                   connect_account_activated_cb);
}

static void
natter_preferences_window_init (NatterPreferencesWindow *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_("No accounts yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->accounts_list, placeholder);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "notify", self->notify_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-show-text", self->notify_text_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-chat-states", self->chat_states_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-receipts", self->receipts_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-read-markers", self->markers_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

/**
 * natter_preferences_window_new:
 * @parent: the main window
 * @accounts: the accounts
 *
 * Returns: (transfer full): a new preferences window, not shown yet
 */
GtkWidget *
natter_preferences_window_new (GtkWindow         *parent,
                               NatterAccountList *accounts)
{
  NatterPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (accounts), NULL);

  self = g_object_new (NATTER_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->accounts = g_object_ref (accounts);
  gtk_list_box_bind_model (self->accounts_list, G_LIST_MODEL (accounts), create_row, NULL, NULL);
  g_signal_connect_swapped (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self);
  return GTK_WIDGET (self);
}

/**
 * natter_preferences_window_get_account_row:
 * @self: the preferences
 * @account: an account
 *
 * Returns: (transfer none) (nullable): the row that shows @account
 */
GtkWidget *
natter_preferences_window_get_account_row (NatterPreferencesWindow *self,
                                           NatterAccount           *account)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (NATTER_IS_PREFERENCES_WINDOW (self), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->accounts_list, i)) != NULL; i++)
    if (NATTER_IS_ACCOUNT_ROW (row) &&
        natter_account_row_get_account (NATTER_ACCOUNT_ROW (row)) == account)
      return GTK_WIDGET (row);
  return NULL;
}

/**
 * natter_preferences_window_get_page:
 * @self: the preferences
 *
 * Returns: (transfer none) (nullable): the account page shown, if any
 */
GtkWidget *
natter_preferences_window_get_page (NatterPreferencesWindow *self)
{
  g_return_val_if_fail (NATTER_IS_PREFERENCES_WINDOW (self), NULL);

  return self->page;
}
