/* natter-add-contact-dialog.c: add someone to an account's contacts
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The address is checked as it is typed; the contact is added through the
 * account's roster, which asks for their presence.  The contact appears in
 * the sidebar when the server confirms.
 */
#include "config.h"

#include "natter-add-contact-dialog.h"

#include <glib/gi18n.h>

#include "natter-presence-display.h"
#include "natter-weak-ref.h"
#include "natter-window.h"

struct _NatterAddContactDialog
{
  AdwWindow          parent_instance;

  NatterAccountList *accounts;
  char              *address_error;
  char              *error;
  gboolean           busy;
  gboolean           closed;

  AdwComboRow       *account_row;
  AdwEntryRow       *jid_row;
  AdwEntryRow       *name_row;
  GtkLabel          *jid_error_label;
  AdwPreferencesGroup *status_group;
  GtkSpinner        *spinner;
  GtkLabel          *error_label;
};

G_DEFINE_FINAL_TYPE (NatterAddContactDialog, natter_add_contact_dialog, ADW_TYPE_WINDOW)

static char *
dup_stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static gboolean
validate (NatterAddContactDialog *self)
{
  g_autofree char *jid = dup_stripped (self->jid_row);
  g_autoptr(GError) error = NULL;
  gboolean valid;

  if (jid[0] != '\0')
    natter_address_check (jid, NATTER_ADDRESS_CONTACT, &error);
  g_free (self->address_error);
  self->address_error = error != NULL ? g_strdup (error->message) : NULL;
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->jid_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->jid_row), "error");
  gtk_label_set_text (self->jid_error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->jid_error_label), error != NULL);

  valid = jid[0] != '\0' && error == NULL &&
          adw_combo_row_get_selected_item (self->account_row) != NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contact.add", valid && !self->busy);
  return valid;
}

static void
on_jid_row_changed_cb (NatterAddContactDialog *self)
{
  validate (self);
}

static void
on_row_entry_activated_cb (NatterAddContactDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "contact.add", NULL);
}

static void
set_busy (NatterAddContactDialog *self,
          gboolean                busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->status_group), busy || self->error != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->account_row), !busy);
  /* Read-only rather than insensitive: AdwEntryRow 1.2 draws an
   * insensitive row as if it were empty. */
  gtk_editable_set_editable (GTK_EDITABLE (self->jid_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->name_row), !busy);
  validate (self);
}

static void
show_error (NatterAddContactDialog *self,
            const char             *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->status_group), self->busy || message != NULL);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(NatterAddContactDialog) self = natter_weak_ref_free (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *message = NULL;
  GtkApplication *app;
  GtkWindow *main_window;

  if (!natter_roster_add_contact_finish (NATTER_ROSTER (object), result, &error))
    {
      if (self == NULL || self->closed)
        return;
      set_busy (self, FALSE);
      show_error (self, error->message);
      return;
    }
  if (self == NULL || self->closed)
    return;

  jid = dup_stripped (self->jid_row);
  /* TRANSLATORS: %s is the contact's address */
  message = g_strdup_printf (_("Added %s"), jid);
  app = gtk_window_get_application (GTK_WINDOW (self));
  main_window = NATTER_IS_APPLICATION (app)
                ? natter_application_get_main_window (NATTER_APPLICATION (app)) : NULL;
  if (NATTER_IS_WINDOW (main_window))
    natter_window_add_toast (NATTER_WINDOW (main_window), message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
add_activated_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  NatterAddContactDialog *self = NATTER_ADD_CONTACT_DIALOG (widget);
  g_autofree char *jid = NULL;
  g_autofree char *name = NULL;
  NatterAccount *account;

  if (self->busy || !validate (self))
    return;

  account = adw_combo_row_get_selected_item (self->account_row);
  jid = dup_stripped (self->jid_row);
  name = dup_stripped (self->name_row);

  show_error (self, NULL);
  set_busy (self, TRUE);
  natter_roster_add_contact_async (natter_account_get_roster (account), jid,
                                   name[0] != '\0' ? name : NULL, NULL, NULL,
                                   added_cb, natter_weak_ref_new (self));
}

static char *
account_title (NatterAccount *account,
               gpointer       user_data)
{
  return account != NULL ? natter_account_dup_title (account) : NULL;
}

static gboolean
natter_add_contact_dialog_close_request (GtkWindow *window)
{
  NATTER_ADD_CONTACT_DIALOG (window)->closed = TRUE;

  return GTK_WINDOW_CLASS (natter_add_contact_dialog_parent_class)->close_request (window);
}

static void
natter_add_contact_dialog_dispose (GObject *object)
{
  NatterAddContactDialog *self = NATTER_ADD_CONTACT_DIALOG (object);

  self->closed = TRUE;
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_ADD_CONTACT_DIALOG);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (natter_add_contact_dialog_parent_class)->dispose (object);
}

static void
natter_add_contact_dialog_finalize (GObject *object)
{
  NatterAddContactDialog *self = NATTER_ADD_CONTACT_DIALOG (object);

  g_free (self->address_error);
  g_free (self->error);

  G_OBJECT_CLASS (natter_add_contact_dialog_parent_class)->finalize (object);
}

static void
natter_add_contact_dialog_class_init (NatterAddContactDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = natter_add_contact_dialog_dispose;
  object_class->finalize = natter_add_contact_dialog_finalize;
  window_class->close_request = natter_add_contact_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-add-contact-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterAddContactDialog, account_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddContactDialog, jid_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddContactDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddContactDialog, jid_error_label);
  gtk_widget_class_bind_template_child (widget_class, NatterAddContactDialog, status_group);
  gtk_widget_class_bind_template_child (widget_class, NatterAddContactDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, NatterAddContactDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_jid_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "contact.add", NULL, add_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
natter_add_contact_dialog_init (NatterAddContactDialog *self)
{
  GtkExpression *title;

  gtk_widget_init_template (GTK_WIDGET (self));
  title = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                       G_CALLBACK (account_title), NULL, NULL);
  adw_combo_row_set_expression (self->account_row, title);
  gtk_expression_unref (title);
  g_signal_connect_swapped (self->account_row, "notify::selected-item",
                            G_CALLBACK (on_jid_row_changed_cb), self);
}

/**
 * natter_add_contact_dialog_new:
 * @parent: the window the dialog belongs to
 * @accounts: the accounts to choose from
 *
 * Returns: (transfer full): a new dialog, not shown yet
 */
GtkWidget *
natter_add_contact_dialog_new (GtkWindow         *parent,
                               NatterAccountList *accounts)
{
  NatterAddContactDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (accounts), NULL);

  self = g_object_new (NATTER_TYPE_ADD_CONTACT_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->accounts = g_object_ref (accounts);
  adw_combo_row_set_model (self->account_row, G_LIST_MODEL (accounts));
  gtk_widget_set_visible (GTK_WIDGET (self->account_row),
                          g_list_model_get_n_items (G_LIST_MODEL (accounts)) > 1);
  validate (self);
  return GTK_WIDGET (self);
}

/**
 * natter_add_contact_dialog_get_address_error:
 * @self: the dialog
 *
 * Returns: (nullable): what the dialog says is wrong with the address typed
 */
const char *
natter_add_contact_dialog_get_address_error (NatterAddContactDialog *self)
{
  g_return_val_if_fail (NATTER_IS_ADD_CONTACT_DIALOG (self), NULL);

  return self->address_error;
}

/**
 * natter_add_contact_dialog_get_error:
 * @self: the dialog
 *
 * Returns: (nullable): the error the dialog shows
 */
const char *
natter_add_contact_dialog_get_error (NatterAddContactDialog *self)
{
  g_return_val_if_fail (NATTER_IS_ADD_CONTACT_DIALOG (self), NULL);

  return self->error;
}

/**
 * natter_add_contact_dialog_get_busy:
 * @self: the dialog
 *
 * Returns: whether the contact is being added
 */
gboolean
natter_add_contact_dialog_get_busy (NatterAddContactDialog *self)
{
  g_return_val_if_fail (NATTER_IS_ADD_CONTACT_DIALOG (self), FALSE);

  return self->busy;
}

/**
 * natter_add_contact_dialog_set_account:
 * @self: the dialog
 * @account: the account to add the contact to
 *
 * Preselects @account, e.g. the one of the conversation the user came
 * from.
 */
void
natter_add_contact_dialog_set_account (NatterAddContactDialog *self,
                                       NatterAccount          *account)
{
  guint position;

  g_return_if_fail (NATTER_IS_ADD_CONTACT_DIALOG (self));
  g_return_if_fail (NATTER_IS_ACCOUNT (account));

  for (position = 0; position < g_list_model_get_n_items (G_LIST_MODEL (self->accounts)); position++)
    {
      g_autoptr(NatterAccount) item = g_list_model_get_item (G_LIST_MODEL (self->accounts), position);

      if (item == account)
        {
          adw_combo_row_set_selected (self->account_row, position);
          return;
        }
    }
}

/**
 * natter_add_contact_dialog_set_address:
 * @self: the dialog
 * @address: the contact's address, e.g. from an `xmpp:?roster` link
 * @name: (nullable): a name for the contact
 *
 * Fills the form in; the user still chooses to add.
 */
void
natter_add_contact_dialog_set_address (NatterAddContactDialog *self,
                                       const char             *address,
                                       const char             *name)
{
  g_return_if_fail (NATTER_IS_ADD_CONTACT_DIALOG (self));
  g_return_if_fail (address != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->jid_row), address);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
}
