/* natter-conversation-row.c: one conversation in the sidebar
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The row shows the peer (avatar, name, presence), the last message, when
 * it came, how many are unread and, with several accounts, which account
 * the conversation belongs to.  Names and previews are other people's
 * text: they go into plain labels, never into markup.
 */
#include "config.h"

#include "natter-conversation-row.h"

#include <glib/gi18n.h>

#include "natter-avatar.h"
#include "natter-presence-display.h"
#include "natter-time-format.h"

struct _NatterConversationRow
{
  AdwBin              parent_instance;

  NatterConversation *conversation;
  GSignalGroup       *conversation_signals;
  GSignalGroup       *contact_signals;
  gboolean            show_account;
  guint               clock_id;

  NatterAvatar       *avatar;
  GtkImage           *presence_icon;
  GtkLabel           *title_label;
  GtkLabel           *time_label;
  GtkLabel           *preview_label;
  GtkLabel           *unread_label;
  GtkLabel           *account_label;
};

G_DEFINE_FINAL_TYPE (NatterConversationRow, natter_conversation_row, ADW_TYPE_BIN)

static NatterContact *
lookup_contact (NatterConversation *conversation)
{
  NatterAccount *account = natter_conversation_get_account (conversation);

  if (account == NULL)
    return NULL;
  return natter_roster_lookup (natter_account_get_roster (account),
                               natter_conversation_get_peer (conversation));
}

static void
update_time (NatterConversationRow *self)
{
  gint64 activity;
  g_autofree char *text = NULL;

  if (self->conversation == NULL)
    return;
  activity = natter_conversation_get_last_activity (self->conversation);
  text = activity > 0 ? natter_time_format_relative (activity, g_get_real_time ()) : g_strdup ("");
  gtk_label_set_text (self->time_label, text);
}

static void
update_presence (NatterConversationRow *self)
{
  NatterContact *contact = g_signal_group_dup_target (self->contact_signals);
  NatterPresenceShow show;

  gtk_widget_set_visible (GTK_WIDGET (self->presence_icon), contact != NULL);
  if (contact == NULL)
    return;
  show = natter_contact_get_show (contact);
  natter_presence_show_apply (self->presence_icon, show);
  g_object_unref (contact);
}

static void
update (NatterConversationRow *self)
{
  NatterConversation *conversation = self->conversation;
  NatterAccount *account;
  const char *preview;
  NatterChatState state;
  guint unread;

  if (conversation == NULL)
    return;

  account = natter_conversation_get_account (conversation);
  natter_avatar_set_text (self->avatar, natter_conversation_get_title (conversation));
  natter_avatar_set_identity (self->avatar, natter_conversation_get_peer (conversation));
  gtk_label_set_text (self->title_label, natter_conversation_get_title (conversation));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label),
                               natter_conversation_get_peer (conversation));

  state = natter_conversation_get_chat_state (conversation);
  preview = natter_conversation_get_preview (conversation);
  if (state == NATTER_CHAT_STATE_COMPOSING)
    gtk_label_set_text (self->preview_label, _("Typing…"));
  else if (natter_conversation_get_draft (conversation) != NULL &&
           natter_conversation_get_draft (conversation)[0] != '\0')
    {
      /* TRANSLATORS: the preview of a conversation with an unsent draft */
      g_autofree char *text = g_strdup_printf (_("Draft: %s"),
                                               natter_conversation_get_draft (conversation));

      gtk_label_set_text (self->preview_label, text);
    }
  else
    gtk_label_set_text (self->preview_label, preview != NULL ? preview : "");

  unread = natter_conversation_get_unread (conversation);
  gtk_widget_set_visible (GTK_WIDGET (self->unread_label), unread > 0);
  if (unread > 0)
    {
      g_autofree char *count = unread > 999 ? g_strdup ("999+") : g_strdup_printf ("%u", unread);
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%u unread message",
                                                             "%u unread messages", unread),
                                                unread);

      gtk_label_set_text (self->unread_label, count);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->unread_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }

  if (account != NULL)
    {
      g_autofree char *title = natter_account_dup_title (account);

      gtk_label_set_text (self->account_label, title);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->account_label), self->show_account && account != NULL);

  if (g_signal_group_dup_target (self->contact_signals) == NULL)
    g_signal_group_set_target (self->contact_signals, lookup_contact (conversation));
  else
    g_object_unref (g_signal_group_dup_target (self->contact_signals));
  update_presence (self);
  update_time (self);
}

static gboolean
clock_cb (gpointer user_data)
{
  update_time (user_data);
  return G_SOURCE_CONTINUE;
}

/* Relative times age: while the row is on screen it rewrites its time
 * once a minute. */
static void
natter_conversation_row_map (GtkWidget *widget)
{
  NatterConversationRow *self = NATTER_CONVERSATION_ROW (widget);

  GTK_WIDGET_CLASS (natter_conversation_row_parent_class)->map (widget);
  update_time (self);
  if (self->clock_id == 0)
    self->clock_id = g_timeout_add_seconds (60, clock_cb, self);
}

static void
natter_conversation_row_unmap (GtkWidget *widget)
{
  NatterConversationRow *self = NATTER_CONVERSATION_ROW (widget);

  g_clear_handle_id (&self->clock_id, g_source_remove);
  GTK_WIDGET_CLASS (natter_conversation_row_parent_class)->unmap (widget);
}

static void
natter_conversation_row_dispose (GObject *object)
{
  NatterConversationRow *self = NATTER_CONVERSATION_ROW (object);

  g_clear_handle_id (&self->clock_id, g_source_remove);
  if (self->conversation_signals != NULL)
    g_signal_group_set_target (self->conversation_signals, NULL);
  if (self->contact_signals != NULL)
    g_signal_group_set_target (self->contact_signals, NULL);
  g_clear_object (&self->conversation_signals);
  g_clear_object (&self->contact_signals);
  g_clear_object (&self->conversation);
  gtk_widget_dispose_template (GTK_WIDGET (self), NATTER_TYPE_CONVERSATION_ROW);

  G_OBJECT_CLASS (natter_conversation_row_parent_class)->dispose (object);
}

static void
natter_conversation_row_class_init (NatterConversationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_conversation_row_dispose;
  widget_class->map = natter_conversation_row_map;
  widget_class->unmap = natter_conversation_row_unmap;

  g_type_ensure (NATTER_TYPE_AVATAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/natter-conversation-row.ui");
  gtk_widget_class_bind_template_child (widget_class, NatterConversationRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, NatterConversationRow, presence_icon);
  gtk_widget_class_bind_template_child (widget_class, NatterConversationRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, NatterConversationRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, NatterConversationRow, preview_label);
  gtk_widget_class_bind_template_child (widget_class, NatterConversationRow, unread_label);
  gtk_widget_class_bind_template_child (widget_class, NatterConversationRow, account_label);
}

static void
natter_conversation_row_init (NatterConversationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->conversation_signals = g_signal_group_new (NATTER_TYPE_CONVERSATION);
  g_signal_group_connect_swapped (self->conversation_signals, "notify",
                                  G_CALLBACK (update), self);
  self->contact_signals = g_signal_group_new (NATTER_TYPE_CONTACT);
  g_signal_group_connect_swapped (self->contact_signals, "notify::show",
                                  G_CALLBACK (update_presence), self);
}

/**
 * natter_conversation_row_new:
 *
 * Returns: (transfer full): a new row, showing no conversation yet
 */
GtkWidget *
natter_conversation_row_new (void)
{
  return g_object_new (NATTER_TYPE_CONVERSATION_ROW, NULL);
}

/**
 * natter_conversation_row_get_conversation:
 * @self: a row
 *
 * Returns: (transfer none) (nullable): the conversation the row shows
 */
NatterConversation *
natter_conversation_row_get_conversation (NatterConversationRow *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION_ROW (self), NULL);

  return self->conversation;
}

/**
 * natter_conversation_row_set_conversation:
 * @self: a row
 * @conversation: (nullable): the conversation to show
 */
void
natter_conversation_row_set_conversation (NatterConversationRow *self,
                                          NatterConversation    *conversation)
{
  g_return_if_fail (NATTER_IS_CONVERSATION_ROW (self));
  g_return_if_fail (conversation == NULL || NATTER_IS_CONVERSATION (conversation));

  if (!g_set_object (&self->conversation, conversation))
    return;
  g_signal_group_set_target (self->conversation_signals, conversation);
  g_signal_group_set_target (self->contact_signals,
                             conversation != NULL ? lookup_contact (conversation) : NULL);
  update (self);
}

/**
 * natter_conversation_row_set_show_account:
 * @self: a row
 * @show_account: whether the row names the conversation's account
 */
void
natter_conversation_row_set_show_account (NatterConversationRow *self,
                                          gboolean               show_account)
{
  g_return_if_fail (NATTER_IS_CONVERSATION_ROW (self));

  self->show_account = !!show_account;
  gtk_widget_set_visible (GTK_WIDGET (self->account_label),
                          self->show_account && self->conversation != NULL);
}
