/* natter-add-account-dialog.c: sign in with an existing account
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The address is checked as it is typed, and the Add button stays off
 * while anything is wrong.  Adding stores the account and connects it; the
 * dialog stays open with a spinner until the account is online, and shows
 * the account's own, specific error if it is not (wrong password, unknown
 * host, no connection, not an XMPP server, certificate not trusted).  An
 * untrusted certificate opens the certificate dialog; trusting it pins the
 * certificate to the account, which connects again by itself.
 *
 * An account that never signed in does not stay behind: trying again
 * replaces it, and closing the dialog removes it.
 */
#include "config.h"

#include "natter-add-account-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "natter-certificate-dialog.h"
#include "natter-weak-ref.h"
#include "natter-window.h"

struct _NatterAddAccountDialog
{
  AdwWindow           parent_instance;

  NatterAccountList  *accounts;
  NatterAccount      *account;       /* added, not online yet */
  char               *pinned;        /* a fingerprint trusted in this dialog */
  char               *address_error;
  char               *error;
  gboolean            busy;
  gboolean            closed;
  GtkWidget          *certificate_dialog;  /* weak */

  GtkButton          *add_button;
  AdwEntryRow        *jid_row;
  AdwEntryRow        *password_row;
  GtkLabel           *jid_error_label;
  AdwExpanderRow     *advanced_row;
  AdwEntryRow        *resource_row;
  AdwEntryRow        *host_row;
  AdwEntryRow        *port_row;
  AdwActionRow       *direct_tls_row;
  GtkSwitch          *direct_tls_switch;
  GtkLabel           *advanced_error_label;
  AdwPreferencesGroup *status_group;
  GtkWidget          *progress_box;
  GtkSpinner         *spinner;
  GtkLabel           *progress_label;
  GtkLabel           *error_label;
  GtkWidget          *certificate_button;
};

G_DEFINE_FINAL_TYPE (NatterAddAccountDialog, natter_add_account_dialog, ADW_TYPE_WINDOW)

static void account_changed_cb (NatterAddAccountDialog *self);

/* ------------------------------------------------------------------------
 * The fields
 * ------------------------------------------------------------------------ */

static char *
dup_stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
mark (gpointer  row,
      gboolean  wrong)
{
  if (wrong)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
show_label (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

/* Checks every field, marks what is wrong and enables Add when nothing
 * is.  Returns whether the fields can be sent. */
static gboolean
validate (NatterAddAccountDialog *self)
{
  g_autofree char *jid = dup_stripped (self->jid_row);
  g_autofree char *resource = dup_stripped (self->resource_row);
  g_autofree char *host = dup_stripped (self->host_row);
  g_autofree char *port = dup_stripped (self->port_row);
  g_autoptr(GError) jid_error = NULL;
  g_autoptr(GError) resource_error = NULL;
  g_autoptr(GError) host_error = NULL;
  g_autoptr(GError) port_error = NULL;
  const GError *advanced_error;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  gboolean has_host = host[0] != '\0';
  gboolean valid;

  if (jid[0] != '\0')
    natter_address_check (jid, NATTER_ADDRESS_ACCOUNT, &jid_error);
  g_free (self->address_error);
  self->address_error = jid_error != NULL ? g_strdup (jid_error->message) : NULL;
  mark (self->jid_row, jid_error != NULL);
  show_label (self->jid_error_label, self->address_error);

  if (resource[0] != '\0')
    natter_address_check_resource (resource, &resource_error);
  if (has_host)
    natter_address_check_host (host, &host_error);
  if (port[0] != '\0' && !g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16, NULL, NULL))
    port_error = g_error_new_literal (NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                                      _("The port is a number from 1 to 65535"));
  mark (self->resource_row, resource_error != NULL);
  mark (self->host_row, host_error != NULL);
  mark (self->port_row, port_error != NULL);
  advanced_error = resource_error != NULL ? resource_error
                   : host_error != NULL ? host_error
                   : port_error;
  show_label (self->advanced_error_label, advanced_error != NULL ? advanced_error->message : NULL);

  /* A port and direct TLS only apply to a server given here. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_row), has_host);
  gtk_widget_set_sensitive (GTK_WIDGET (self->direct_tls_row), has_host);

  valid = jid[0] != '\0' && jid_error == NULL && password[0] != '\0' && advanced_error == NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.add", valid && !self->busy);
  return valid;
}

static void
on_field_changed_cb (NatterAddAccountDialog *self)
{
  validate (self);
}

static void
on_jid_row_entry_activated_cb (NatterAddAccountDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
on_password_row_entry_activated_cb (NatterAddAccountDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "account.add", NULL);
}

/* ------------------------------------------------------------------------
 * Progress and errors
 * ------------------------------------------------------------------------ */

static void
set_busy (NatterAddAccountDialog *self,
          gboolean                busy,
          const char             *progress)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->status_group), TRUE);
  gtk_widget_set_visible (self->progress_box, busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_label_set_text (self->progress_label, progress != NULL ? progress : "");

  /* Read-only rather than insensitive: AdwEntryRow 1.2 draws an
   * insensitive row as if it were empty. */
  gtk_editable_set_editable (GTK_EDITABLE (self->jid_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->resource_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->host_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->port_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->direct_tls_switch), !busy);
  validate (self);
}

static void
show_error (NatterAddAccountDialog *self,
            const char             *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  show_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->status_group), TRUE);
  if (message != NULL)
    gtk_button_set_label (self->add_button, _("_Try Again"));
}

static void
forget_account (NatterAddAccountDialog *self)
{
  if (self->account == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);
}

static void
discarded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!natter_account_list_remove_finish (NATTER_ACCOUNT_LIST (object), result, &error))
    g_debug ("Could not remove an account that never signed in: %s", error->message);
}

/* Removes the account that did not sign in, when the dialog goes. */
static void
discard_account (NatterAddAccountDialog *self)
{
  g_autoptr(NatterAccount) account = NULL;

  if (self->account == NULL)
    return;
  account = g_object_ref (self->account);
  forget_account (self);
  natter_account_list_remove_async (self->accounts, account, NULL, discarded_cb, NULL);
}

/* ------------------------------------------------------------------------
 * Certificates
 * ------------------------------------------------------------------------ */

static void
certificate_trusted_cb (NatterCertificateDialog *dialog,
                        NatterAddAccountDialog  *self)
{
  g_autoptr(GError) error = NULL;

  g_free (self->pinned);
  self->pinned = g_strdup (natter_certificate_dialog_get_fingerprint (dialog));
  if (self->account == NULL)
    return;

  show_error (self, NULL);
  gtk_widget_set_visible (self->certificate_button, FALSE);
  set_busy (self, TRUE, _("Connecting…"));
  /* The account connects again by itself once the certificate is pinned. */
  if (!natter_account_pin_certificate (self->account,
                                       natter_certificate_dialog_get_certificate (dialog),
                                       &error))
    {
      set_busy (self, FALSE, NULL);
      show_error (self, error->message);
    }
}

static void
offer_certificate (NatterAddAccountDialog *self)
{
  GTlsCertificate *certificate = natter_account_get_untrusted_certificate (self->account);
  const char *jid = natter_account_get_jid (self->account);
  const char *at = strrchr (jid, '@');

  if (certificate == NULL || self->certificate_dialog != NULL)
    return;

  self->certificate_dialog =
    natter_certificate_dialog_new (GTK_WINDOW (self), at != NULL ? at + 1 : jid, certificate,
                                   natter_account_get_error (self->account));
  g_object_add_weak_pointer (G_OBJECT (self->certificate_dialog),
                             (gpointer *) &self->certificate_dialog);
  g_signal_connect_object (self->certificate_dialog, "trusted",
                           G_CALLBACK (certificate_trusted_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->certificate_dialog));
}

static void
review_certificate_activated_cb (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  NatterAddAccountDialog *self = NATTER_ADD_ACCOUNT_DIALOG (widget);

  if (self->account != NULL)
    offer_certificate (self);
}

/* ------------------------------------------------------------------------
 * Adding
 * ------------------------------------------------------------------------ */

/* What the callbacks of the list need: the dialog, if it is still there,
 * and the list, to take back an account the closed dialog no longer
 * wants. */
typedef struct
{
  GWeakRef          *dialog;
  NatterAccountList *accounts;
} Pending;

static Pending *
pending_new (NatterAddAccountDialog *self)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->dialog = natter_weak_ref_new (self);
  pending->accounts = g_object_ref (self->accounts);
  return pending;
}

/* Frees @pending; returns the dialog if it is still open. */
static NatterAddAccountDialog *
pending_free (Pending *pending)
{
  NatterAddAccountDialog *self = natter_weak_ref_free (pending->dialog);

  g_object_unref (pending->accounts);
  g_free (pending);
  if (self != NULL && self->closed)
    g_clear_object (&self);
  return self;
}

static void
succeed (NatterAddAccountDialog *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GtkWindow *main_window = NATTER_IS_APPLICATION (app)
                           ? natter_application_get_main_window (NATTER_APPLICATION (app)) : NULL;
  g_autofree char *message = NULL;

  /* TRANSLATORS: %s is the account's address */
  message = g_strdup_printf (_("Added %s"), natter_account_get_jid (self->account));
  forget_account (self);
  if (NATTER_IS_WINDOW (main_window))
    natter_window_add_toast (NATTER_WINDOW (main_window), message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
account_changed_cb (NatterAddAccountDialog *self)
{
  const char *error;

  if (self->account == NULL)
    return;

  error = natter_account_get_error (self->account);
  switch (natter_account_get_state (self->account))
    {
    case NATTER_ACCOUNT_STATE_ONLINE:
      succeed (self);
      break;

    case NATTER_ACCOUNT_STATE_ERROR:
    case NATTER_ACCOUNT_STATE_NEEDS_PASSWORD:
    case NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT:
      set_busy (self, FALSE, NULL);
      show_error (self, error != NULL ? error : _("The account could not sign in"));
      gtk_widget_set_visible (self->certificate_button,
                              natter_account_get_untrusted_certificate (self->account) != NULL);
      offer_certificate (self);
      break;

    case NATTER_ACCOUNT_STATE_OFFLINE:
    case NATTER_ACCOUNT_STATE_CONNECTING:
    default:
      gtk_widget_set_visible (self->certificate_button, FALSE);
      set_busy (self, TRUE, _("Connecting…"));
      break;
    }
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  NatterAccountList *accounts = NATTER_ACCOUNT_LIST (object);
  g_autoptr(NatterAddAccountDialog) self = pending_free (user_data);
  g_autoptr(NatterAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = natter_account_list_add_finish (accounts, result, &error);
  if (self == NULL)
    {
      if (account != NULL)
        natter_account_list_remove_async (accounts, account, NULL, discarded_cb, NULL);
      return;
    }
  if (account == NULL)
    {
      set_busy (self, FALSE, NULL);
      show_error (self, error->message);
      return;
    }

  self->account = g_steal_pointer (&account);
  g_signal_connect_object (self->account, "notify::state", G_CALLBACK (account_changed_cb), self,
                           G_CONNECT_SWAPPED);
  account_changed_cb (self);
}

static void
add (NatterAddAccountDialog *self)
{
  g_autofree char *jid = dup_stripped (self->jid_row);
  g_autofree char *resource = dup_stripped (self->resource_row);
  g_autofree char *host = dup_stripped (self->host_row);
  g_autofree char *port = dup_stripped (self->port_row);
  NatterAccountOptions options = { NULL, };
  guint64 port_number = 0;

  options.resource = resource[0] != '\0' ? resource : NULL;
  if (host[0] != '\0')
    {
      options.host = host;
      if (port[0] != '\0' &&
          g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16, &port_number, NULL))
        options.port = (guint16) port_number;
      options.direct_tls = gtk_switch_get_active (self->direct_tls_switch);
    }
  options.pinned_certificate = self->pinned;

  natter_account_list_add_async (self->accounts, jid,
                                 gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                 &options, NULL, added_cb, pending_new (self));
}

static void
replaced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(NatterAddAccountDialog) self = pending_free (user_data);
  g_autoptr(GError) error = NULL;

  if (!natter_account_list_remove_finish (NATTER_ACCOUNT_LIST (object), result, &error))
    g_debug ("Could not remove an account that never signed in: %s", error->message);
  if (self == NULL)
    return;
  add (self);
}

static void
add_activated_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  NatterAddAccountDialog *self = NATTER_ADD_ACCOUNT_DIALOG (widget);

  if (self->busy || !validate (self))
    return;

  show_error (self, NULL);
  gtk_widget_set_visible (self->certificate_button, FALSE);
  set_busy (self, TRUE, _("Signing in…"));

  /* Trying again starts from scratch, with whatever was changed. */
  if (self->account != NULL)
    {
      g_autoptr(NatterAccount) account = g_object_ref (self->account);

      forget_account (self);
      natter_account_list_remove_async (self->accounts, account, NULL, replaced_cb,
                                        pending_new (self));
      return;
    }
  add (self);
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static gboolean
natter_add_account_dialog_close_request (GtkWindow *window)
{
  NatterAddAccountDialog *self = NATTER_ADD_ACCOUNT_DIALOG (window);

  self->closed = TRUE;
  discard_account (self);

  return GTK_WINDOW_CLASS (natter_add_account_dialog_parent_class)->close_request (window);
}

static void
natter_add_account_dialog_dispose (GObject *object)
{
  NatterAddAccountDialog *self = NATTER_ADD_ACCOUNT_DIALOG (object);

  self->closed = TRUE;
  if (self->accounts != NULL)
    discard_account (self);
  if (self->certificate_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->certificate_dialog),
                                    (gpointer *) &self->certificate_dialog);
      self->certificate_dialog = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_ADD_ACCOUNT_DIALOG);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (natter_add_account_dialog_parent_class)->dispose (object);
}

static void
natter_add_account_dialog_finalize (GObject *object)
{
  NatterAddAccountDialog *self = NATTER_ADD_ACCOUNT_DIALOG (object);

  g_free (self->pinned);
  g_free (self->address_error);
  g_free (self->error);

  G_OBJECT_CLASS (natter_add_account_dialog_parent_class)->finalize (object);
}

static void
natter_add_account_dialog_class_init (NatterAddAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = natter_add_account_dialog_dispose;
  object_class->finalize = natter_add_account_dialog_finalize;
  window_class->close_request = natter_add_account_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-add-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, jid_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, jid_error_label);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, resource_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, direct_tls_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, direct_tls_switch);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, advanced_error_label);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, status_group);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, NatterAddAccountDialog, certificate_button);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_jid_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_password_row_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "account.add", NULL, add_activated_cb);
  gtk_widget_class_install_action (widget_class, "account.review-certificate", NULL,
                                   review_certificate_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
natter_add_account_dialog_init (NatterAddAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  validate (self);
}

/**
 * natter_add_account_dialog_new:
 * @parent: the window the dialog belongs to
 * @accounts: the accounts to add to
 *
 * Returns: (transfer full): a new dialog, not shown yet
 */
GtkWidget *
natter_add_account_dialog_new (GtkWindow         *parent,
                               NatterAccountList *accounts)
{
  NatterAddAccountDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (accounts), NULL);

  self = g_object_new (NATTER_TYPE_ADD_ACCOUNT_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->accounts = g_object_ref (accounts);
  return GTK_WIDGET (self);
}

/**
 * natter_add_account_dialog_get_address_error:
 * @self: the dialog
 *
 * Returns: (nullable): what the dialog says is wrong with the address typed
 */
const char *
natter_add_account_dialog_get_address_error (NatterAddAccountDialog *self)
{
  g_return_val_if_fail (NATTER_IS_ADD_ACCOUNT_DIALOG (self), NULL);

  return self->address_error;
}

/**
 * natter_add_account_dialog_get_error:
 * @self: the dialog
 *
 * Returns: (nullable): the error the dialog shows, e.g. why the account
 *   did not sign in
 */
const char *
natter_add_account_dialog_get_error (NatterAddAccountDialog *self)
{
  g_return_val_if_fail (NATTER_IS_ADD_ACCOUNT_DIALOG (self), NULL);

  return self->error;
}

/**
 * natter_add_account_dialog_get_busy:
 * @self: the dialog
 *
 * Returns: whether the dialog is adding or connecting the account
 */
gboolean
natter_add_account_dialog_get_busy (NatterAddAccountDialog *self)
{
  g_return_val_if_fail (NATTER_IS_ADD_ACCOUNT_DIALOG (self), FALSE);

  return self->busy;
}

/**
 * natter_add_account_dialog_get_account:
 * @self: the dialog
 *
 * Returns: (transfer none) (nullable): the account added, while it has
 *   not signed in
 */
NatterAccount *
natter_add_account_dialog_get_account (NatterAddAccountDialog *self)
{
  g_return_val_if_fail (NATTER_IS_ADD_ACCOUNT_DIALOG (self), NULL);

  return self->account;
}
