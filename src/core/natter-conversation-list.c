/* natter-conversation-list.c: every conversation of every account, newest first
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-conversation-list.h"

#include "store/store.h"

#include "natter-account-list.h"
#include "natter-account.h"
#include "natter-conversation-private.h"
#include "natter-search-hit.h"

/**
 * NatterConversationList:
 *
 * A #GListModel of the #NatterConversation of all accounts, sorted by last
 * activity, newest first.  A new message moves its conversation to the
 * top with one items-changed covering the positions that shifted.
 *
 * #NatterConversationList::message-received announces each new message
 * from a peer, for notifications.
 */
struct _NatterConversationList
{
  GObject      parent_instance;

  NatterStore *store;
  GPtrArray   *items;     /* NatterConversation, newest first */
  GHashTable  *by_key;    /* "account-id/peer" -> NatterConversation (borrowed) */
  GHashTable  *by_id;     /* gint64 * -> NatterConversation (borrowed) */
  GHashTable  *senders;   /* NatterAccount * -> NatterMessaging (both borrowed) */
};

static void natter_conversation_list_model_init (GListModelInterface *iface);

enum {
  SIGNAL_MESSAGE_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (NatterConversationList, natter_conversation_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      natter_conversation_list_model_init))

static GType
natter_conversation_list_get_item_type (GListModel *model)
{
  return NATTER_TYPE_CONVERSATION;
}

static guint
natter_conversation_list_get_n_items (GListModel *model)
{
  return NATTER_CONVERSATION_LIST (model)->items->len;
}

static gpointer
natter_conversation_list_get_item (GListModel *model,
                                   guint       position)
{
  NatterConversationList *self = NATTER_CONVERSATION_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
natter_conversation_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = natter_conversation_list_get_item_type;
  iface->get_n_items = natter_conversation_list_get_n_items;
  iface->get_item = natter_conversation_list_get_item;
}

static void
natter_conversation_list_dispose (GObject *object)
{
  NatterConversationList *self = NATTER_CONVERSATION_LIST (object);

  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->senders, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (natter_conversation_list_parent_class)->dispose (object);
}

static void
natter_conversation_list_class_init (NatterConversationListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_conversation_list_dispose;

  /**
   * NatterConversationList::message-received:
   * @self: the list
   * @conversation: the conversation of the message
   * @message: the message
   *
   * A message from the peer was stored for the first time and is not
   * read yet: one that arrived live (directly or as a carbon of a message
   * to another device of the account) or in the archive catch-up after a
   * session that was not resumed (it arrived while the account was
   * offline).  Not emitted for our own messages, their carbons, copies of
   * messages already stored, nor for older history fetched from the
   * archive (the background backfill and
   * natter_message_list_request_older()).  Emitted once per message.
   */
  signals[SIGNAL_MESSAGE_RECEIVED] =
    g_signal_new ("message-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, NATTER_TYPE_CONVERSATION, NATTER_TYPE_MESSAGE);
}

static void
natter_conversation_list_init (NatterConversationList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->senders = g_hash_table_new (NULL, NULL);
}

/* The messaging pipeline of @account sends for its conversations; %NULL
 * when it goes away. */
void
natter_conversation_list_set_messaging (NatterConversationList *self,
                                        NatterAccount          *account,
                                        NatterMessaging        *messaging)
{
  g_return_if_fail (NATTER_IS_CONVERSATION_LIST (self));

  if (self->senders == NULL)
    return;
  if (messaging != NULL)
    g_hash_table_insert (self->senders, account, messaging);
  else
    g_hash_table_remove (self->senders, account);
  for (guint i = 0; i < self->items->len; i++)
    {
      NatterConversation *conversation = g_ptr_array_index (self->items, i);

      if (natter_conversation_get_account (conversation) == account)
        natter_conversation_set_messaging (conversation, messaging);
    }
}

static char *
make_key (gint64      account_id,
          const char *peer)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%s", account_id, peer);
}

static gboolean
comes_before (NatterConversation *a,
              NatterConversation *b)
{
  gint64 ta = natter_conversation_get_last_activity (a);
  gint64 tb = natter_conversation_get_last_activity (b);

  if (ta != tb)
    return ta > tb;
  return natter_conversation_get_id (a) > natter_conversation_get_id (b);
}

static guint
insert_sorted (NatterConversationList *self,
               NatterConversation     *conversation)
{
  guint position = 0;
  gint64 *id = g_new (gint64, 1);

  while (position < self->items->len &&
         comes_before (g_ptr_array_index (self->items, position), conversation))
    position++;
  g_ptr_array_insert (self->items, position, conversation);
  *id = natter_conversation_get_id (conversation);
  g_hash_table_insert (self->by_id, id, conversation);
  g_hash_table_insert (self->by_key,
                       make_key (natter_account_get_id (natter_conversation_get_account (conversation)),
                                 natter_conversation_get_peer (conversation)),
                       conversation);
  return position;
}

/**
 * natter_conversation_list_new:
 * @accounts: the accounts
 * @error: return location for a #GError
 *
 * Loads the stored conversations of @accounts.
 *
 * Returns: (transfer full): the list, or %NULL on error
 */
NatterConversationList *
natter_conversation_list_new (NatterAccountList  *accounts,
                              GError            **error)
{
  g_autoptr(NatterConversationList) self = NULL;
  g_autoptr(GPtrArray) records = NULL;
  guint n_accounts;

  g_return_val_if_fail (NATTER_IS_ACCOUNT_LIST (accounts), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (NATTER_TYPE_CONVERSATION_LIST, NULL);
  self->store = g_object_ref (natter_account_list_get_store (accounts));
  records = natter_store_list_conversations (self->store, error);
  if (records == NULL)
    return NULL;

  n_accounts = g_list_model_get_n_items (G_LIST_MODEL (accounts));
  for (guint i = 0; i < records->len; i++)
    {
      NatterStoreConversation *record = g_ptr_array_index (records, i);

      if (record->kind != NATTER_STORE_CONVERSATION_CHAT)
        continue;
      for (guint j = 0; j < n_accounts; j++)
        {
          g_autoptr(NatterAccount) account = g_list_model_get_item (G_LIST_MODEL (accounts), j);

          if (natter_account_get_id (account) == record->account_id)
            {
              insert_sorted (self, natter_conversation_new (account, self->store, record));
              break;
            }
        }
    }
  return g_steal_pointer (&self);
}

/**
 * natter_conversation_list_lookup:
 * @self: a list
 * @account: an account
 * @peer: a bare JID
 *
 * Returns: (transfer none) (nullable): the conversation, if there is one
 */
NatterConversation *
natter_conversation_list_lookup (NatterConversationList *self,
                                 NatterAccount          *account,
                                 const char             *peer)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (NATTER_IS_CONVERSATION_LIST (self), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  key = make_key (natter_account_get_id (account), peer);
  return g_hash_table_lookup (self->by_key, key);
}

NatterConversation *
natter_conversation_list_lookup_id (NatterConversationList *self,
                                    gint64                  conversation_id)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION_LIST (self), NULL);
  return g_hash_table_lookup (self->by_id, &conversation_id);
}

NatterConversation *
natter_conversation_list_ensure (NatterConversationList  *self,
                                 NatterAccount           *account,
                                 const char              *peer,
                                 GError                 **error)
{
  g_autoptr(NatterStoreConversation) record = NULL;
  NatterConversation *conversation;
  guint position;

  g_return_val_if_fail (NATTER_IS_CONVERSATION_LIST (self), NULL);

  conversation = natter_conversation_list_lookup (self, account, peer);
  if (conversation != NULL)
    return conversation;

  record = natter_store_ensure_conversation (self->store, natter_account_get_id (account),
                                             peer, NATTER_STORE_CONVERSATION_CHAT, error);
  if (record == NULL)
    return NULL;
  conversation = natter_conversation_new (account, self->store, record);
  /* End-to-end encryption by default with someone who has OMEMO devices. */
  if (natter_account_get_omemo (account) != NULL &&
      natter_omemo_has_devices (natter_account_get_omemo (account), peer))
    natter_conversation_set_encryption (conversation, NATTER_MESSAGE_ENCRYPTION_OMEMO);
  natter_conversation_set_messaging (conversation, g_hash_table_lookup (self->senders, account));
  position = insert_sorted (self, conversation);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  return conversation;
}

/**
 * natter_conversation_list_open:
 * @self: a list
 * @account: an account
 * @peer: a bare JID
 * @error: return location for a #GError
 *
 * Finds or starts the conversation of @account with @peer.
 *
 * Returns: (transfer none) (nullable): the conversation
 */
NatterConversation *
natter_conversation_list_open (NatterConversationList  *self,
                               NatterAccount           *account,
                               const char              *peer,
                               GError                 **error)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION_LIST (self), NULL);
  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (peer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return natter_conversation_list_ensure (self, account, peer, error);
}

/* Moves @conversation to where its new activity sorts it: one
 * items-changed over the positions between its old and new place. */
void
natter_conversation_list_touched (NatterConversationList *self,
                                  NatterConversation     *conversation)
{
  guint old_position, new_position;

  g_return_if_fail (NATTER_IS_CONVERSATION_LIST (self));

  if (!g_ptr_array_find (self->items, conversation, &old_position))
    return;
  new_position = old_position;
  while (new_position > 0 &&
         comes_before (conversation, g_ptr_array_index (self->items, new_position - 1)))
    new_position--;
  if (new_position == old_position)
    return;
  g_ptr_array_steal_index (self->items, old_position);
  g_ptr_array_insert (self->items, new_position, conversation);
  g_list_model_items_changed (G_LIST_MODEL (self), new_position,
                              old_position - new_position + 1,
                              old_position - new_position + 1);
}

void
natter_conversation_list_message_received (NatterConversationList *self,
                                           NatterConversation     *conversation,
                                           NatterStoreMessage     *record)
{
  g_autoptr(NatterMessage) message = NULL;

  g_return_if_fail (NATTER_IS_CONVERSATION_LIST (self));
  g_return_if_fail (NATTER_IS_CONVERSATION (conversation));

  message = natter_conversation_dup_message (conversation, record);
  g_signal_emit (self, signals[SIGNAL_MESSAGE_RECEIVED], 0, conversation, message);
}

static void
searched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterConversationList *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GListStore) hits = g_list_store_new (NATTER_TYPE_SEARCH_HIT);
  GError *error = NULL;

  records = natter_store_search_finish (NATTER_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    {
      NatterStoreMessage *record = g_ptr_array_index (records, i);
      NatterConversation *conversation = natter_conversation_list_lookup_id (self,
                                                                             record->conversation_id);
      g_autoptr(NatterMessage) message = NULL;
      g_autoptr(NatterSearchHit) hit = NULL;

      /* A hidden message is not shown through a search either. */
      if (conversation == NULL || natter_message_record_is_hidden (record))
        continue;
      message = natter_conversation_dup_message (conversation, record);
      hit = natter_search_hit_new (conversation, message);
      g_list_store_append (hits, hit);
    }
  g_task_return_pointer (task, g_steal_pointer (&hits), g_object_unref);
}

/**
 * natter_conversation_list_search_async:
 * @self: the conversations
 * @text: what the user typed; any text is safe (see natter_store_search())
 * @limit: the most hits
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the hits
 * @user_data: data for @callback
 *
 * Searches the text of every conversation's messages, all of their
 * history that is stored, off the main thread.  Messages from distrusted
 * devices, which the conversation hides, are not found.
 */
void
natter_conversation_list_search_async (NatterConversationList *self,
                                       const char             *text,
                                       guint                   limit,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  GTask *task;

  g_return_if_fail (NATTER_IS_CONVERSATION_LIST (self));
  g_return_if_fail (text != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_conversation_list_search_async);
  natter_store_search_async (self->store, text, 0, 0, limit, cancellable, searched_cb, task);
}

/**
 * natter_conversation_list_search_finish:
 * @self: the conversations
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a #GListModel of #NatterSearchHit, best match
 *   first, or %NULL on error
 */
GListModel *
natter_conversation_list_search_finish (NatterConversationList  *self,
                                        GAsyncResult            *result,
                                        GError                 **error)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION_LIST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
