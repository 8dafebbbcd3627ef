/* natter-account-row.c: one account in the preferences
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account's name, what it is doing and its last error, a switch that
 * enables it, and the certificate to review when one was not trusted.
 * Activating the row opens the account's settings (prefs.edit-account).
 */
#include "config.h"

#include "natter-account-row.h"

#include <glib/gi18n.h>

#include "natter-avatar.h"
#include "natter-presence-display.h"

struct _NatterAccountRow
{
  AdwActionRow   parent_instance;

  NatterAccount *account;

  NatterAvatar  *avatar;
  GtkButton     *certificate_button;
  GtkSwitch     *enabled_switch;
};

G_DEFINE_FINAL_TYPE (NatterAccountRow, natter_account_row, ADW_TYPE_ACTION_ROW)

static void
update (NatterAccountRow *self)
{
  g_autofree char *title = natter_account_dup_title (self->account);
  const char *jid = natter_account_get_jid (self->account);
  const char *error = natter_account_get_error (self->account);
  const char *state = natter_account_state_get_label (natter_account_get_state (self->account));
  g_autoptr(GString) subtitle = g_string_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  if (g_strcmp0 (title, jid) != 0)
    g_string_append_printf (subtitle, "%s\n", jid);
  g_string_append (subtitle, state);
  if (error != NULL && error[0] != '\0')
    g_string_append_printf (subtitle, "\n%s", error);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);

  natter_avatar_set_text (self->avatar, title);
  natter_avatar_set_identity (self->avatar, jid);

  gtk_widget_set_visible (GTK_WIDGET (self->certificate_button),
                          natter_account_get_untrusted_certificate (self->account) != NULL);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->certificate_button), "s", jid);
}

static void
activated_cb (NatterAccountRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "prefs.edit-account", "s",
                              natter_account_get_jid (self->account));
}

static void
natter_account_row_dispose (GObject *object)
{
  NatterAccountRow *self = NATTER_ACCOUNT_ROW (object);

  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_ACCOUNT_ROW);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (natter_account_row_parent_class)->dispose (object);
}

static void
natter_account_row_class_init (NatterAccountRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_account_row_dispose;

  g_type_ensure (NATTER_TYPE_AVATAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterAccountRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountRow, certificate_button);
  gtk_widget_class_bind_template_child (widget_class, NatterAccountRow, enabled_switch);
}

static void
natter_account_row_init (NatterAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "activated", G_CALLBACK (activated_cb), NULL);
}

/**
 * natter_account_row_new:
 * @account: the account to show
 *
 * Returns: (transfer full): a new row
 */
GtkWidget *
natter_account_row_new (NatterAccount *account)
{
  NatterAccountRow *self;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);

  self = g_object_new (NATTER_TYPE_ACCOUNT_ROW, NULL);
  self->account = g_object_ref (account);
  g_object_bind_property (account, "enabled", self->enabled_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (account, "notify::display-name", G_CALLBACK (update), self);
  g_signal_connect_swapped (account, "notify::state", G_CALLBACK (update), self);
  g_signal_connect_swapped (account, "notify::error", G_CALLBACK (update), self);
  g_signal_connect_swapped (account, "notify::untrusted-certificate", G_CALLBACK (update), self);
  update (self);

  return GTK_WIDGET (self);
}

/**
 * natter_account_row_get_account:
 * @self: an account row
 *
 * Returns: (transfer none): the account shown
 */
NatterAccount *
natter_account_row_get_account (NatterAccountRow *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT_ROW (self), NULL);

  return self->account;
}
