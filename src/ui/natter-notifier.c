/* natter-notifier.c: desktop notifications for messages not seen
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A conversation whose unread count grows while the user does not see
 * its newest messages gets one GNotification, replaced as more arrive:
 * the sender (and, with several accounts, which account they wrote to)
 * and the last message, unless the user chose to hide message text.
 * Clicking it opens the conversation (app.open-conversation); it is
 * withdrawn as soon as the conversation is read, here or on another
 * device.
 */
#include "config.h"

#include "natter-notifier.h"

#include <glib/gi18n.h>

#include "natter-application.h"
#include "natter-presence-display.h"
#include "natter-window.h"

struct _NatterNotifier
{
  GObject                 parent_instance;

  GApplication           *application;  /* weak */
  NatterConversationList *conversations;
  NatterAccountList      *accounts;
  GSettings              *settings;
  GHashTable             *unread;  /* NatterConversation * → last unread count */
  GHashTable             *shown;   /* NatterConversation * → Shown */
};

/* What a notification on screen says. */
typedef struct {
  char *title;
  char *body;
} Shown;

static void
shown_free (Shown *shown)
{
  g_free (shown->title);
  g_free (shown->body);
  g_free (shown);
}

G_DEFINE_FINAL_TYPE (NatterNotifier, natter_notifier, G_TYPE_OBJECT)

/**
 * natter_notifier_dup_id:
 * @conversation: a conversation
 *
 * Returns: (transfer full): the id of @conversation's notification
 */
char *
natter_notifier_dup_id (NatterConversation *conversation)
{
  return g_strdup_printf ("conversation-%" G_GINT64_FORMAT,
                          natter_conversation_get_id (conversation));
}

static gboolean
is_in_view (NatterNotifier     *self,
            NatterConversation *conversation)
{
  GtkWindow *window = natter_application_get_main_window (NATTER_APPLICATION (self->application));

  return NATTER_IS_WINDOW (window) &&
         natter_window_is_showing (NATTER_WINDOW (window), conversation);
}

static void
withdraw (NatterNotifier     *self,
          NatterConversation *conversation)
{
  g_autofree char *id = NULL;

  if (!g_hash_table_remove (self->shown, conversation))
    return;
  id = natter_notifier_dup_id (conversation);
  g_application_withdraw_notification (self->application, id);
}

static void
notify_about (NatterNotifier     *self,
              NatterConversation *conversation,
              guint               unread)
{
  NatterAccount *account = natter_conversation_get_account (conversation);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = natter_notifier_dup_id (conversation);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  const char *preview = natter_conversation_get_preview (conversation);
  Shown *shown;

  if (account == NULL)
    return;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) > 1)
    {
      g_autofree char *account_title = natter_account_dup_title (account);

      /* TRANSLATORS: a notification's title: the sender, and the account
       * they wrote to */
      title = g_strdup_printf (_("%s to %s"), natter_conversation_get_title (conversation),
                               account_title);
    }
  else
    title = g_strdup (natter_conversation_get_title (conversation));

  if (g_settings_get_boolean (self->settings, "notify-show-text") && preview != NULL)
    body = unread > 1
           /* TRANSLATORS: a notification's text: the newest message, and how
            * many are unread in all */
           ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%u unread message)",
                                           "%s (%u unread messages)", unread), preview, unread)
           : g_strdup (preview);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new message",
                                         "%u new messages", unread), unread);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_category (notification, "im.received");
  g_notification_set_default_action_and_target (notification, "app.open-conversation", "(ss)",
                                                natter_account_get_jid (account),
                                                natter_conversation_get_peer (conversation));
  g_application_send_notification (self->application, id, notification);
  shown = g_new0 (Shown, 1);
  shown->title = g_steal_pointer (&title);
  shown->body = g_steal_pointer (&body);
  g_hash_table_replace (self->shown, conversation, shown);
}

static void
unread_changed_cb (NatterConversation *conversation,
                   GParamSpec         *pspec,
                   NatterNotifier     *self)
{
  guint unread = natter_conversation_get_unread (conversation);
  guint before = GPOINTER_TO_UINT (g_hash_table_lookup (self->unread, conversation));

  g_hash_table_insert (self->unread, conversation, GUINT_TO_POINTER (unread));
  if (unread == 0)
    withdraw (self, conversation);
  else if (unread > before && g_settings_get_boolean (self->settings, "notify") &&
           !is_in_view (self, conversation))
    notify_about (self, conversation, unread);
}

static void
watch (NatterNotifier     *self,
       NatterConversation *conversation)
{
  if (g_hash_table_contains (self->unread, conversation))
    return;
  g_hash_table_insert (self->unread, conversation,
                       GUINT_TO_POINTER (natter_conversation_get_unread (conversation)));
  g_signal_connect_object (conversation, "notify::unread", G_CALLBACK (unread_changed_cb),
                           self, 0);
}

static void
items_changed_cb (NatterNotifier *self,
                  guint           position,
                  guint           removed,
                  guint           added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(NatterConversation) conversation =
        g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

      watch (self, conversation);
    }
}

/**
 * natter_notifier_withdraw_all:
 * @self: a notifier
 *
 * Takes every notification Natter shows off the desktop, as the
 * application shuts down: they name conversations of a process that is
 * going away.  (GLib 2.74's freedesktop backend also recurses without end
 * when it is finalized with notifications still listed.)
 */
void
natter_notifier_withdraw_all (NatterNotifier *self)
{
  GHashTableIter iter;
  gpointer conversation;

  g_return_if_fail (NATTER_IS_NOTIFIER (self));

  if (self->application == NULL)
    return;
  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, &conversation, NULL))
    {
      g_autofree char *id = natter_notifier_dup_id (conversation);

      g_application_withdraw_notification (self->application, id);
      g_hash_table_iter_remove (&iter);
    }
}

static void
natter_notifier_dispose (GObject *object)
{
  NatterNotifier *self = NATTER_NOTIFIER (object);

  if (self->unread != NULL)
    {
      GHashTableIter iter;
      gpointer conversation;

      g_hash_table_iter_init (&iter, self->unread);
      while (g_hash_table_iter_next (&iter, &conversation, NULL))
        g_signal_handlers_disconnect_by_data (conversation, self);
    }
  if (self->conversations != NULL)
    g_signal_handlers_disconnect_by_data (self->conversations, self);
  g_clear_pointer (&self->unread, g_hash_table_unref);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_object (&self->conversations);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (natter_notifier_parent_class)->dispose (object);
}

static void
natter_notifier_class_init (NatterNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = natter_notifier_dispose;
}

static void
natter_notifier_init (NatterNotifier *self)
{
  self->unread = g_hash_table_new (NULL, NULL);
  self->shown = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) shown_free);
  self->settings = g_settings_new (APP_ID);
}

/**
 * natter_notifier_new:
 * @application: the application that sends the notifications
 * @conversations: the conversations to watch
 * @accounts: the accounts, to name the account when there are several
 *
 * Returns: (transfer full): a notifier
 */
NatterNotifier *
natter_notifier_new (GApplication           *application,
                     NatterConversationList *conversations,
                     NatterAccountList      *accounts)
{
  NatterNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (NATTER_IS_CONVERSATION_LIST (conversations), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (accounts), NULL);

  self = g_object_new (NATTER_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->conversations = g_object_ref (conversations);
  self->accounts = g_object_ref (accounts);
  g_signal_connect_object (conversations, "items-changed", G_CALLBACK (items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  items_changed_cb (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (conversations)));
  return self;
}

/**
 * natter_notifier_lookup:
 * @self: a notifier
 * @conversation: a conversation
 * @title: (out) (optional) (transfer none): the notification's title
 * @body: (out) (optional) (transfer none): the notification's text
 *
 * Returns: whether a notification about @conversation is shown
 */
gboolean
natter_notifier_lookup (NatterNotifier      *self,
                        NatterConversation  *conversation,
                        const char         **title,
                        const char         **body)
{
  Shown *shown;

  g_return_val_if_fail (NATTER_IS_NOTIFIER (self), FALSE);

  shown = g_hash_table_lookup (self->shown, conversation);
  if (shown == NULL)
    return FALSE;
  if (title != NULL)
    *title = shown->title;
  if (body != NULL)
    *body = shown->body;
  return TRUE;
}
