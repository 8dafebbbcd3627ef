/* natter-message-list.c: the messages of one conversation, paged in from the store
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-message-list.h"

#include "store/store.h"

#include "natter-conversation-private.h"

/**
 * NatterMessageList:
 *
 * A #GListModel of #NatterMessage for one conversation, oldest first.  It
 * opens with the newest %NATTER_MESSAGE_LIST_PAGE rows of the store and
 * grows backwards only when natter_message_list_request_older() is called
 * (the view scrolled up), so opening a conversation costs one page, not
 * its history.  When the store holds nothing older, the same call pages
 * the account's archive (XEP-0313) backwards for this conversation.  New
 * messages are inserted at their (timestamp, id) position; a state change
 * notifies the message object and is not an items-changed.
 */
struct _NatterMessageList
{
  GObject      parent_instance;

  NatterStore *store;
  gint64       conversation_id;
  GPtrArray   *items;     /* NatterMessage, by (timestamp, id) */
  GHashTable  *by_id;     /* gint64 * -> NatterMessage (borrowed) */
  NatterConversation *conversation;  /* weak; pages the archive */
  GCancellable *cancellable;
  gboolean     store_at_start;    /* the store has nothing older than items[0] */
  gboolean     archive_complete;  /* nor has the archive */
  gboolean     at_start;          /* both */
  gboolean     loading_older;
};

static void natter_message_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NatterMessageList, natter_message_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      natter_message_list_model_init))

enum {
  PROP_0,
  PROP_AT_START,
  PROP_LOADING_OLDER,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
natter_message_list_get_item_type (GListModel *model)
{
  return NATTER_TYPE_MESSAGE;
}

static guint
natter_message_list_get_n_items (GListModel *model)
{
  return NATTER_MESSAGE_LIST (model)->items->len;
}

static gpointer
natter_message_list_get_item (GListModel *model,
                              guint       position)
{
  NatterMessageList *self = NATTER_MESSAGE_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
natter_message_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = natter_message_list_get_item_type;
  iface->get_n_items = natter_message_list_get_n_items;
  iface->get_item = natter_message_list_get_item;
}

static void
natter_message_list_dispose (GObject *object)
{
  NatterMessageList *self = NATTER_MESSAGE_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->conversation != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->conversation),
                                    (gpointer *) &self->conversation);
      self->conversation = NULL;
    }
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (natter_message_list_parent_class)->dispose (object);
}

static void
natter_message_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NatterMessageList *self = NATTER_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_AT_START:
      g_value_set_boolean (value, self->at_start);
      break;
    case PROP_LOADING_OLDER:
      g_value_set_boolean (value, self->loading_older);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_message_list_class_init (NatterMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_message_list_dispose;
  object_class->get_property = natter_message_list_get_property;

  /**
   * NatterMessageList:at-start:
   *
   * Whether the list holds the very first message of the conversation:
   * neither the store nor the server's archive has anything older, so
   * natter_message_list_request_older() has nothing left to do.
   */
  properties[PROP_AT_START] =
    g_param_spec_boolean ("at-start", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NatterMessageList:loading-older:
   *
   * Whether natter_message_list_request_older() is waiting for the
   * server's archive.
   */
  properties[PROP_LOADING_OLDER] =
    g_param_spec_boolean ("loading-older", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NatterMessageList:n-items:
   *
   * The number of messages in the list.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_message_list_init (NatterMessageList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  /* Without a conversation there is no archive to page. */
  self->archive_complete = TRUE;
}

static void
index_message (NatterMessageList *self,
               NatterMessage     *message)
{
  gint64 *key = g_new (gint64, 1);

  /* The key lives as long as the table's entry: freed on removal. */
  *key = natter_message_get_id (message);
  g_hash_table_insert (self->by_id, key, message);
}

static void
update_at_start (NatterMessageList *self)
{
  gboolean at_start = self->store_at_start && self->archive_complete;

  if (self->at_start == at_start)
    return;
  self->at_start = at_start;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AT_START]);
}

static void
set_store_at_start (NatterMessageList *self,
                    gboolean           store_at_start)
{
  self->store_at_start = store_at_start;
  update_at_start (self);
}

static void
set_loading_older (NatterMessageList *self,
                   gboolean           loading_older)
{
  if (self->loading_older == loading_older)
    return;
  self->loading_older = loading_older;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING_OLDER]);
}

/* The conversation whose archive natter_message_list_request_older()
 * pages once the store has nothing older. */
void
natter_message_list_set_conversation (NatterMessageList  *self,
                                      NatterConversation *conversation)
{
  g_return_if_fail (NATTER_IS_MESSAGE_LIST (self));
  g_return_if_fail (NATTER_IS_CONVERSATION (conversation));
  g_return_if_fail (self->conversation == NULL);

  self->conversation = conversation;
  g_object_add_weak_pointer (G_OBJECT (conversation), (gpointer *) &self->conversation);
  self->archive_complete = natter_conversation_get_history_complete (conversation);
  update_at_start (self);
}

NatterMessageList *
natter_message_list_new (NatterStore  *store,
                         gint64        conversation_id,
                         GError      **error)
{
  g_autoptr(NatterMessageList) self = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (NATTER_IS_STORE (store), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (NATTER_TYPE_MESSAGE_LIST, NULL);
  self->store = g_object_ref (store);
  self->conversation_id = conversation_id;

  rows = natter_store_list_latest_messages (store, conversation_id,
                                            NATTER_MESSAGE_LIST_PAGE, error);
  if (rows == NULL)
    return NULL;
  /* Whatever order the store returns, the list is oldest first.  Nobody
   * listens yet, so no items-changed. */
  g_ptr_array_sort_with_data (rows, natter_message_list_compare_records, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      NatterMessage *message = natter_message_new_from_record (g_ptr_array_index (rows, i));

      g_ptr_array_add (self->items, message);
      index_message (self, message);
    }
  self->store_at_start = rows->len < NATTER_MESSAGE_LIST_PAGE;
  self->at_start = self->store_at_start && self->archive_complete;
  return g_steal_pointer (&self);
}

static int
compare_position (NatterMessage *message,
                  gint64         timestamp,
                  gint64         id)
{
  gint64 t = natter_message_get_timestamp (message);
  gint64 i = natter_message_get_id (message);

  if (t != timestamp)
    return t < timestamp ? -1 : 1;
  if (i != id)
    return i < id ? -1 : 1;
  return 0;
}

/**
 * natter_message_list_add_record:
 * @self: a list
 * @record: a stored message of the list's conversation
 *
 * Shows a message that was just stored, at its (timestamp, id) position,
 * with one items-changed.  A row older than the oldest shown is left for
 * natter_message_list_load_older(), and a row already shown updates its
 * object instead.
 *
 * Returns: (transfer none) (nullable): the message object, if shown
 */
NatterMessage *
natter_message_list_add_record (NatterMessageList  *self,
                                NatterStoreMessage *record)
{
  NatterMessage *message;
  guint position;

  g_return_val_if_fail (NATTER_IS_MESSAGE_LIST (self), NULL);
  g_return_val_if_fail (record != NULL && record->id > 0, NULL);

  message = g_hash_table_lookup (self->by_id, &record->id);
  if (message != NULL)
    {
      natter_message_update (message, record);
      return message;
    }

  if (self->items->len > 0 && !self->store_at_start &&
      compare_position (g_ptr_array_index (self->items, 0), record->timestamp, record->id) > 0)
    return NULL;

  /* Live messages nearly always belong at the end: search from there. */
  position = self->items->len;
  while (position > 0 &&
         compare_position (g_ptr_array_index (self->items, position - 1),
                           record->timestamp, record->id) > 0)
    position--;

  message = natter_message_new_from_record (record);
  g_ptr_array_insert (self->items, position, message);
  index_message (self, message);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  return message;
}

/**
 * natter_message_list_load_older:
 * @self: a list
 * @n: how many older messages to load at most
 * @error: return location for a #GError
 *
 * Pages in up to @n stored messages older than the oldest shown, with one
 * items-changed at position 0.  It never asks the server: views call
 * natter_message_list_request_older(), which also pages the archive.
 *
 * Returns: the number of messages added
 */
guint
natter_message_list_load_older (NatterMessageList  *self,
                                guint               n,
                                GError            **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  NatterMessage *oldest;
  guint added = 0;

  g_return_val_if_fail (NATTER_IS_MESSAGE_LIST (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (n == 0)
    return 0;
  if (self->items->len == 0)
    rows = natter_store_list_latest_messages (self->store, self->conversation_id, n, error);
  else
    {
      oldest = g_ptr_array_index (self->items, 0);
      rows = natter_store_list_messages_before (self->store, self->conversation_id,
                                                natter_message_get_timestamp (oldest),
                                                natter_message_get_id (oldest),
                                                n, error);
    }
  if (rows == NULL)
    return 0;

  if (rows->len > 0)
    {
      g_autoptr(GPtrArray) fresh = g_ptr_array_new ();

      /* Sort the page oldest first, then put it in front as one block. */
      for (guint i = 0; i < rows->len; i++)
        {
          NatterStoreMessage *record = g_ptr_array_index (rows, i);

          if (!g_hash_table_contains (self->by_id, &record->id))
            g_ptr_array_add (fresh, record);
        }
      g_ptr_array_sort_with_data (fresh, natter_message_list_compare_records, NULL);
      for (guint i = 0; i < fresh->len; i++)
        {
          NatterMessage *message = natter_message_new_from_record (g_ptr_array_index (fresh, i));

          g_ptr_array_insert (self->items, i, message);
          index_message (self, message);
        }
      added = fresh->len;
      if (added > 0)
        {
          g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
        }
    }
  set_store_at_start (self, rows->len < n);
  return added;
}

static void
history_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NatterMessageList) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean complete = FALSE;

  if (!natter_conversation_fetch_history_finish (NATTER_CONVERSATION (object), result,
                                                 &complete, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("message list: cannot page the archive: %s", error->message);
          set_loading_older (self, FALSE);
        }
      return;
    }

  /* The page is stored: show it, as one block in front. */
  g_object_freeze_notify (G_OBJECT (self));
  self->archive_complete = complete;
  natter_message_list_load_older (self, NATTER_MESSAGE_LIST_PAGE, &error);
  if (error != NULL)
    g_debug ("message list: cannot read the archive page back: %s", error->message);
  update_at_start (self);
  set_loading_older (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * natter_message_list_request_older:
 * @self: a list
 *
 * What a view calls when the user scrolls to the top.  Pages in the next
 * %NATTER_MESSAGE_LIST_PAGE older messages from the store; when the store
 * has nothing older and the server's archive is not known to be
 * complete for this conversation, asks the account's archive (XEP-0313,
 * `with` the peer, the page before the oldest stored stanza-id), stores
 * that page in one transaction (duplicates are dropped as always) and
 * then shows its new messages, as one items-changed at position 0.
 * #NatterMessageList:loading-older is %TRUE while the archive is asked;
 * #NatterMessageList:at-start turns %TRUE once neither has anything
 * older.  A call while loading, or at the start, does nothing.
 */
void
natter_message_list_request_older (NatterMessageList *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (NATTER_IS_MESSAGE_LIST (self));

  if (self->loading_older || self->at_start)
    return;
  if (!self->store_at_start &&
      natter_message_list_load_older (self, NATTER_MESSAGE_LIST_PAGE, &error) > 0)
    return;
  if (error != NULL)
    {
      g_debug ("message list: cannot page the store: %s", error->message);
      return;
    }
  if (!self->store_at_start || self->archive_complete)
    return;
  if (self->conversation == NULL)
    {
      self->archive_complete = TRUE;
      update_at_start (self);
      return;
    }

  set_loading_older (self, TRUE);
  natter_conversation_fetch_history_async (self->conversation, self->cancellable,
                                           history_cb, g_object_ref (self));
}

/**
 * natter_message_list_get_loading_older:
 * @self: a list
 *
 * Returns: whether the server's archive is being asked for older messages
 */
gboolean
natter_message_list_get_loading_older (NatterMessageList *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_LIST (self), FALSE);
  return self->loading_older;
}

int
natter_message_list_compare_records (gconstpointer a,
                                     gconstpointer b,
                                     gpointer      user_data)
{
  const NatterStoreMessage *ma = *(NatterStoreMessage * const *) a;
  const NatterStoreMessage *mb = *(NatterStoreMessage * const *) b;

  if (ma->timestamp != mb->timestamp)
    return ma->timestamp < mb->timestamp ? -1 : 1;
  if (ma->id != mb->id)
    return ma->id < mb->id ? -1 : 1;
  return 0;
}

/**
 * natter_message_list_get_at_start:
 * @self: a list
 *
 * Returns: whether the list starts with the conversation's first message:
 *   neither the store nor the archive has anything older
 */
gboolean
natter_message_list_get_at_start (NatterMessageList *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_LIST (self), FALSE);
  return self->at_start;
}

/**
 * natter_message_list_lookup:
 * @self: a list
 * @message_id: a row id
 *
 * Returns: (transfer none) (nullable): the shown message with that id
 */
NatterMessage *
natter_message_list_lookup (NatterMessageList *self,
                            gint64             message_id)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_LIST (self), NULL);
  return g_hash_table_lookup (self->by_id, &message_id);
}

/**
 * natter_message_list_get_last:
 * @self: a list
 *
 * Returns: (transfer none) (nullable): the newest shown message
 */
NatterMessage *
natter_message_list_get_last (NatterMessageList *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_LIST (self), NULL);
  if (self->items->len == 0)
    return NULL;
  return g_ptr_array_index (self->items, self->items->len - 1);
}
