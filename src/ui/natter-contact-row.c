/* natter-contact-row.c: one contact in the sidebar
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the row shows of a contact (its name, its status message) is
 * the contact's or the server's text, so it goes into plain labels, never
 * into markup.
 */
#include "config.h"

#include "natter-contact-row.h"

#include <glib/gi18n.h>

#include "natter-avatar.h"
#include "natter-presence-display.h"

struct _NatterContactRow
{
  AdwBin         parent_instance;

  NatterContact *contact;
  GSignalGroup  *contact_signals;
  GSignalGroup  *account_signals;
  gboolean       show_account;

  NatterAvatar  *avatar;
  GtkImage      *presence_icon;
  GtkLabel      *name_label;
  GtkLabel      *account_label;
  GtkLabel      *status_label;
  GtkWidget     *request_box;
  GtkButton     *accept_button;
  GtkButton     *deny_button;
};

G_DEFINE_FINAL_TYPE (NatterContactRow, natter_contact_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTACT,
  PROP_SHOW_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (NatterContactRow *self)
{
  NatterContact *contact = self->contact;
  NatterAccount *account;
  NatterPresenceShow show;
  const char *status;
  gboolean pending;
  gboolean blocked;

  if (contact == NULL)
    return;

  account = natter_contact_get_account (contact);
  show = natter_contact_get_show (contact);
  status = natter_contact_get_status (contact);
  pending = natter_contact_get_pending_in (contact);
  blocked = natter_contact_get_blocked (contact);

  natter_avatar_set_text (self->avatar, natter_contact_get_name (contact));
  natter_avatar_set_identity (self->avatar, natter_contact_get_jid (contact));
  gtk_label_set_text (self->name_label, natter_contact_get_name (contact));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), natter_contact_get_jid (contact));

  natter_presence_show_apply (self->presence_icon, show);
  /* No presence of a blocked contact gets through: what we last heard is
   * no news. */
  gtk_widget_set_visible (GTK_WIDGET (self->presence_icon), !pending && !blocked);

  if (blocked)
    gtk_label_set_text (self->status_label, _("Blocked"));
  else if (pending)
    gtk_label_set_text (self->status_label, _("Wants to see your presence"));
  else if (status != NULL && status[0] != '\0')
    gtk_label_set_text (self->status_label, status);
  else
    gtk_label_set_text (self->status_label, natter_presence_show_get_label (show));

  if (account != NULL)
    {
      g_autofree char *title = natter_account_dup_title (account);

      gtk_label_set_text (self->account_label, title);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->account_label), title);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->account_label), self->show_account && account != NULL);

  gtk_widget_set_visible (self->request_box, pending);
  if (pending && account != NULL)
    {
      GVariant *target = g_variant_new ("(ss)", natter_account_get_jid (account),
                                        natter_contact_get_jid (contact));

      /* The target first: an action with a parameter and no target would
       * be a mismatch. */
      g_variant_ref_sink (target);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->accept_button), target);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->deny_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->accept_button), "win.accept-contact");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->deny_button), "win.deny-contact");
      g_variant_unref (target);
    }
  else
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->accept_button), NULL);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->deny_button), NULL);
    }
}

static void
contact_notify_cb (NatterContactRow *self)
{
  update (self);
}

static void
natter_contact_row_dispose (GObject *object)
{
  NatterContactRow *self = NATTER_CONTACT_ROW (object);

  if (self->contact_signals != NULL)
    g_signal_group_set_target (self->contact_signals, NULL);
  if (self->account_signals != NULL)
    g_signal_group_set_target (self->account_signals, NULL);
  g_clear_object (&self->contact_signals);
  g_clear_object (&self->account_signals);
  g_clear_object (&self->contact);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_CONTACT_ROW);

  G_OBJECT_CLASS (natter_contact_row_parent_class)->dispose (object);
}

static void
natter_contact_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  NatterContactRow *self = NATTER_CONTACT_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTACT:
      g_value_set_object (value, self->contact);
      break;

    case PROP_SHOW_ACCOUNT:
      g_value_set_boolean (value, self->show_account);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_contact_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  NatterContactRow *self = NATTER_CONTACT_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTACT:
      natter_contact_row_set_contact (self, g_value_get_object (value));
      break;

    case PROP_SHOW_ACCOUNT:
      natter_contact_row_set_show_account (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_contact_row_class_init (NatterContactRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_contact_row_dispose;
  object_class->get_property = natter_contact_row_get_property;
  object_class->set_property = natter_contact_row_set_property;

  /**
   * NatterContactRow:contact:
   *
   * The contact the row shows.
   */
  properties[PROP_CONTACT] =
    g_param_spec_object ("contact", NULL, NULL,
                         NATTER_TYPE_CONTACT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContactRow:show-account:
   *
   * Whether the row names the contact's account.
   */
  properties[PROP_SHOW_ACCOUNT] =
    g_param_spec_boolean ("show-account", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NATTER_TYPE_AVATAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-contact-row.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterContactRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, NatterContactRow, presence_icon);
  gtk_widget_class_bind_template_child (widget_class, NatterContactRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, NatterContactRow, account_label);
  gtk_widget_class_bind_template_child (widget_class, NatterContactRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, NatterContactRow, request_box);
  gtk_widget_class_bind_template_child (widget_class, NatterContactRow, accept_button);
  gtk_widget_class_bind_template_child (widget_class, NatterContactRow, deny_button);
}

static void
natter_contact_row_init (NatterContactRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->contact_signals = g_signal_group_new (NATTER_TYPE_CONTACT);
  g_signal_group_connect_swapped (self->contact_signals, "notify",
                                  G_CALLBACK (contact_notify_cb), self);
  self->account_signals = g_signal_group_new (NATTER_TYPE_ACCOUNT);
  g_signal_group_connect_swapped (self->account_signals, "notify::display-name",
                                  G_CALLBACK (contact_notify_cb), self);
}

/**
 * natter_contact_row_new:
 *
 * Returns: (transfer full): a new row, showing no contact yet
 */
GtkWidget *
natter_contact_row_new (void)
{
  return g_object_new (NATTER_TYPE_CONTACT_ROW, NULL);
}

/**
 * natter_contact_row_get_contact:
 * @self: a row
 *
 * Returns: (transfer none) (nullable): the contact the row shows
 */
NatterContact *
natter_contact_row_get_contact (NatterContactRow *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT_ROW (self), NULL);

  return self->contact;
}

/**
 * natter_contact_row_set_contact:
 * @self: a row
 * @contact: (nullable): the contact to show
 */
void
natter_contact_row_set_contact (NatterContactRow *self,
                                NatterContact    *contact)
{
  g_return_if_fail (NATTER_IS_CONTACT_ROW (self));
  g_return_if_fail (contact == NULL || NATTER_IS_CONTACT (contact));

  if (!g_set_object (&self->contact, contact))
    return;
  g_signal_group_set_target (self->contact_signals, contact);
  g_signal_group_set_target (self->account_signals,
                             contact != NULL ? natter_contact_get_account (contact) : NULL);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT]);
}

/**
 * natter_contact_row_get_show_account:
 * @self: a row
 *
 * Returns: whether the row names the contact's account
 */
gboolean
natter_contact_row_get_show_account (NatterContactRow *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT_ROW (self), FALSE);

  return self->show_account;
}

/**
 * natter_contact_row_set_show_account:
 * @self: a row
 * @show_account: whether the row names the contact's account
 */
void
natter_contact_row_set_show_account (NatterContactRow *self,
                                     gboolean          show_account)
{
  g_return_if_fail (NATTER_IS_CONTACT_ROW (self));

  show_account = !!show_account;
  if (self->show_account == show_account)
    return;
  self->show_account = show_account;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_ACCOUNT]);
}
