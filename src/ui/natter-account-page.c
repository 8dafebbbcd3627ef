/* natter-account-page.c: one account's settings, a page of the preferences
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account's state and last error, its name, a new password, and where
 * and as what it connects.  Save applies what changed; the core stores it
 * and reconnects where needed.  Removing goes through the preferences
 * window (prefs.remove-account), which asks first.
 */
#include "config.h"

#include "natter-account-page.h"

#include <glib/gi18n.h>

#include "natter-devices-dialog.h"
#include "natter-presence-display.h"
#include "natter-toast.h"
#include "natter-weak-ref.h"

struct _NatterAccountPage
{
  AdwBin          parent_instance;

  NatterAccount  *account;
  char           *error;
  gboolean        saving;

  AdwWindowTitle *window_title;
  AdwActionRow   *state_row;
  GtkButton      *certificate_button;
  GtkButton      *connect_button;
  AdwActionRow   *error_row;
  AdwEntryRow    *name_row;
  AdwPasswordEntryRow *password_row;
  AdwEntryRow    *resource_row;
  AdwEntryRow    *host_row;
  AdwEntryRow    *port_row;
  AdwActionRow   *direct_tls_row;
  GtkSwitch      *direct_tls_switch;
  GtkLabel       *error_label;
  GtkButton      *remove_button;
};

G_DEFINE_FINAL_TYPE (NatterAccountPage, natter_account_page, ADW_TYPE_BIN)

static char *
dup_stripped (gpointer row)
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
show_error (NatterAccountPage *self,
            const char        *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Marks what is wrong; returns the first problem, or %NULL. */
static GError *
check_fields (NatterAccountPage *self)
{
  g_autofree char *resource = dup_stripped (self->resource_row);
  g_autofree char *host = dup_stripped (self->host_row);
  g_autofree char *port = dup_stripped (self->port_row);
  GError *first = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_host = host[0] != '\0';

  mark (self->resource_row,
        resource[0] != '\0' && !natter_address_check_resource (resource, &error));
  if (error != NULL && first == NULL)
    first = g_steal_pointer (&error);
  g_clear_error (&error);

  mark (self->host_row, has_host && !natter_address_check_host (host, &error));
  if (error != NULL && first == NULL)
    first = g_steal_pointer (&error);
  g_clear_error (&error);

  if (port[0] != '\0' && !g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16, NULL, NULL))
    {
      mark (self->port_row, TRUE);
      if (first == NULL)
        first = g_error_new_literal (NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                                     _("The port is a number from 1 to 65535"));
    }
  else
    mark (self->port_row, FALSE);

  gtk_widget_set_sensitive (GTK_WIDGET (self->port_row), has_host);
  gtk_widget_set_sensitive (GTK_WIDGET (self->direct_tls_row), has_host);
  return first;
}

static void
on_field_changed_cb (NatterAccountPage *self)
{
  g_autoptr(GError) error = check_fields (self);

  show_error (self, error != NULL ? error->message : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.save", error == NULL && !self->saving);
}

static void
update_state (NatterAccountPage *self)
{
  NatterAccountState state = natter_account_get_state (self->account);
  const char *error = natter_account_get_error (self->account);
  const char *jid = natter_account_get_jid (self->account);
  g_autofree char *title = natter_account_dup_title (self->account);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, g_strcmp0 (title, jid) != 0 ? jid : NULL);

  adw_action_row_set_subtitle (self->state_row, natter_account_state_get_label (state));
  gtk_widget_set_visible (GTK_WIDGET (self->error_row), error != NULL && error[0] != '\0');
  adw_action_row_set_subtitle (self->error_row, error != NULL ? error : "");

  gtk_widget_set_visible (GTK_WIDGET (self->certificate_button),
                          natter_account_get_untrusted_certificate (self->account) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->connect_button),
                          natter_account_get_enabled (self->account) &&
                          (state == NATTER_ACCOUNT_STATE_ERROR ||
                           state == NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT ||
                           state == NATTER_ACCOUNT_STATE_OFFLINE));
}

static void
fill_fields (NatterAccountPage *self)
{
  const char *name = natter_account_get_display_name (self->account);
  const char *host = natter_account_get_host (self->account);
  guint16 port = natter_account_get_port (self->account);
  g_autofree char *port_text = port > 0 ? g_strdup_printf ("%u", port) : g_strdup ("");

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->resource_row),
                         natter_account_get_resource (self->account));
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), host != NULL ? host : "");
  gtk_editable_set_text (GTK_EDITABLE (self->port_row), port_text);
  gtk_switch_set_active (self->direct_tls_switch, natter_account_get_direct_tls (self->account));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  on_field_changed_cb (self);
}

/* ------------------------------------------------------------------------
 * Actions
 * ------------------------------------------------------------------------ */

static void
close_page (NatterAccountPage *self,
            const char        *toast)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_PREFERENCES_WINDOW);

  if (window == NULL)
    return;
  if (toast != NULL)
    {

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window),
                                        natter_toast_new_for_text (toast));
    }
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (window));
}

static void
back_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  close_page (NATTER_ACCOUNT_PAGE (widget), NULL);
}

static void
saved_password_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(NatterAccountPage) self = natter_weak_ref_free (user_data);
  g_autoptr(GError) error = NULL;
  gboolean saved;

  saved = natter_account_save_password_finish (NATTER_ACCOUNT (object), result, &error);
  if (self == NULL || self->account == NULL)
    return;
  self->saving = FALSE;
  if (!saved)
    {
      /* Without a keyring the account uses the password until Natter quits. */
      if (g_error_matches (error, NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE))
        close_page (self, _("Saved; the password is used until Natter quits, "
                            "as no keyring is running"));
      else
        {
          show_error (self, error->message);
          on_field_changed_cb (self);
        }
      return;
    }
  close_page (self, _("Saved"));
}

static void
save_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NatterAccountPage *self = NATTER_ACCOUNT_PAGE (widget);
  g_autofree char *name = dup_stripped (self->name_row);
  g_autofree char *resource = dup_stripped (self->resource_row);
  g_autofree char *host = dup_stripped (self->host_row);
  g_autofree char *port = dup_stripped (self->port_row);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(GError) error = check_fields (self);
  guint64 port_number = 0;

  if (error != NULL || self->saving)
    return;

  natter_account_set_display_name (self->account, name);

  if (g_strcmp0 (resource, natter_account_get_resource (self->account)) != 0 &&
      !natter_account_set_resource (self->account, resource[0] != '\0' ? resource : NULL, &error))
    {
      show_error (self, error->message);
      return;
    }

  if (port[0] != '\0')
    g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16, &port_number, NULL);
  if (!natter_account_set_server (self->account, host[0] != '\0' ? host : NULL,
                                  (guint16) port_number,
                                  gtk_switch_get_active (self->direct_tls_switch), &error))
    {
      show_error (self, error->message);
      return;
    }

  if (password[0] != '\0')
    {
      self->saving = TRUE;
      on_field_changed_cb (self);
      natter_account_save_password_async (self->account, password, NULL, saved_password_cb,
                                          natter_weak_ref_new (self));
      return;
    }
  close_page (self, _("Saved"));
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static void
natter_account_page_dispose (GObject *object)
{
  NatterAccountPage *self = NATTER_ACCOUNT_PAGE (object);

  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_ACCOUNT_PAGE);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (natter_account_page_parent_class)->dispose (object);
}

static void
natter_account_page_finalize (GObject *object)
{
  NatterAccountPage *self = NATTER_ACCOUNT_PAGE (object);

  g_free (self->error);

  G_OBJECT_CLASS (natter_account_page_parent_class)->finalize (object);
}

static void
devices_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NatterAccountPage *self = NATTER_ACCOUNT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->account == NULL)
    return;
  gtk_window_present (GTK_WINDOW (natter_devices_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                             self->account,
                                                             natter_account_get_jid (self->account))));
}

static void
natter_account_page_class_init (NatterAccountPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_account_page_dispose;
  object_class->finalize = natter_account_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-account-page.ui");
  gtk_widget_class_install_action (widget_class, "account.devices", NULL, devices_activated_cb);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, certificate_button);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, connect_button);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, error_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, resource_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, host_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, port_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, direct_tls_row);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, direct_tls_switch);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountPage, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);

  gtk_widget_class_install_action (widget_class, "page.back", NULL, back_activated_cb);
  gtk_widget_class_install_action (widget_class, "page.save", NULL, save_activated_cb);
}

static void
natter_account_page_init (NatterAccountPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * natter_account_page_new:
 * @account: the account
 *
 * Returns: (transfer full): a page with the settings of @account
 */
GtkWidget *
natter_account_page_new (NatterAccount *account)
{
  NatterAccountPage *self;
  const char *jid;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);

  self = g_object_new (NATTER_TYPE_ACCOUNT_PAGE, NULL);
  self->account = g_object_ref (account);
  jid = natter_account_get_jid (account);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->certificate_button), "s", jid);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->connect_button), "s", jid);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "s", jid);

  g_signal_connect_swapped (account, "notify::state", G_CALLBACK (update_state), self);
  g_signal_connect_swapped (account, "notify::error", G_CALLBACK (update_state), self);
  g_signal_connect_swapped (account, "notify::untrusted-certificate",
                            G_CALLBACK (update_state), self);
  g_signal_connect_swapped (account, "notify::display-name", G_CALLBACK (update_state), self);
  g_signal_connect_swapped (account, "notify::enabled", G_CALLBACK (update_state), self);
  update_state (self);
  fill_fields (self);

  return GTK_WIDGET (self);
}

/**
 * natter_account_page_get_account:
 * @self: an account page
 *
 * Returns: (transfer none): the account
 */
NatterAccount *
natter_account_page_get_account (NatterAccountPage *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT_PAGE (self), NULL);

  return self->account;
}

/**
 * natter_account_page_get_error:
 * @self: an account page
 *
 * Returns: (nullable): what the page says is wrong with the settings
 */
const char *
natter_account_page_get_error (NatterAccountPage *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT_PAGE (self), NULL);

  return self->error;
}
