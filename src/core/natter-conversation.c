/* natter-conversation.c: a one-to-one conversation of an account
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-conversation.h"

#include <glib/gi18n-lib.h>

#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-account.h"
#include "natter-conversation-private.h"
#include "natter-core-enums.h"

/**
 * NatterConversation:
 *
 * A one-to-one conversation of one account with one bare JID: its
 * summary for the conversation list (title, preview, last activity,
 * unread count, draft, the peer's chat state) and its messages, opened
 * on demand as a #NatterMessageList.
 *
 * Sending goes through the account's #NatterMessaging: a message is
 * stored as pending in the outbox before anything goes on the wire
 * (SECURITY.md O1), and its state follows the server's ack, the peer's
 * receipt and its displayed marker.
 */
struct _NatterConversation
{
  GObject            parent_instance;

  NatterAccount     *account;
  NatterStore       *store;
  NatterMessaging   *messaging;  /* weak */
  gint64             id;
  char              *peer;
  char              *preview;
  gint64             last_activity;
  guint              unread;
  char              *draft;
  NatterChatState    chat_state;
  NatterMessageList *messages;

  char              *last_markable;  /* id of the peer's newest message */
  NatterChatState    own_state;
  gint64             own_state_time;
};

G_DEFINE_FINAL_TYPE (NatterConversation, natter_conversation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_PEER,
  PROP_TITLE,
  PROP_PREVIEW,
  PROP_LAST_ACTIVITY,
  PROP_UNREAD,
  PROP_DRAFT,
  PROP_CHAT_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
natter_conversation_dispose (GObject *object)
{
  NatterConversation *self = NATTER_CONVERSATION (object);

  natter_conversation_set_messaging (self, NULL);
  g_clear_object (&self->messages);
  g_clear_object (&self->store);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (natter_conversation_parent_class)->dispose (object);
}

static void
natter_conversation_finalize (GObject *object)
{
  NatterConversation *self = NATTER_CONVERSATION (object);

  g_free (self->peer);
  g_free (self->preview);
  g_free (self->draft);
  g_free (self->last_markable);

  G_OBJECT_CLASS (natter_conversation_parent_class)->finalize (object);
}

static void
natter_conversation_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NatterConversation *self = NATTER_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_TITLE:
      g_value_set_string (value, natter_conversation_get_title (self));
      break;
    case PROP_PREVIEW:
      g_value_set_string (value, self->preview);
      break;
    case PROP_LAST_ACTIVITY:
      g_value_set_int64 (value, self->last_activity);
      break;
    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;
    case PROP_DRAFT:
      g_value_set_string (value, self->draft);
      break;
    case PROP_CHAT_STATE:
      g_value_set_enum (value, self->chat_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_conversation_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  NatterConversation *self = NATTER_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_DRAFT:
      natter_conversation_set_draft (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_conversation_class_init (NatterConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = natter_conversation_dispose;
  object_class->finalize = natter_conversation_finalize;
  object_class->get_property = natter_conversation_get_property;
  object_class->set_property = natter_conversation_set_property;

  /**
   * NatterConversation:account:
   *
   * The account the conversation belongs to.
   */
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, NATTER_TYPE_ACCOUNT, ro);
  /**
   * NatterConversation:peer:
   *
   * The peer's bare JID.
   */
  properties[PROP_PEER] =
    g_param_spec_string ("peer", NULL, NULL, NULL, ro);
  /**
   * NatterConversation:title:
   *
   * What to call the conversation.
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, ro);
  /**
   * NatterConversation:preview:
   *
   * The text of the newest message, or %NULL.
   */
  properties[PROP_PREVIEW] =
    g_param_spec_string ("preview", NULL, NULL, NULL, ro);
  /**
   * NatterConversation:last-activity:
   *
   * When the newest message was written, in µs since the epoch.
   */
  properties[PROP_LAST_ACTIVITY] =
    g_param_spec_int64 ("last-activity", NULL, NULL, 0, G_MAXINT64, 0, ro);
  /**
   * NatterConversation:unread:
   *
   * How many of the peer's messages the user has not seen.
   */
  properties[PROP_UNREAD] =
    g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * NatterConversation:draft:
   *
   * The unsent text of the composer, kept in the store.
   */
  properties[PROP_DRAFT] =
    g_param_spec_string ("draft", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NatterConversation:chat-state:
   *
   * The peer's XEP-0085 chat state (e.g. typing).
   */
  properties[PROP_CHAT_STATE] =
    g_param_spec_enum ("chat-state", NULL, NULL, NATTER_TYPE_CHAT_STATE,
                       NATTER_CHAT_STATE_NONE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_conversation_init (NatterConversation *self)
{
}

NatterConversation *
natter_conversation_new (NatterAccount           *account,
                         NatterStore             *store,
                         NatterStoreConversation *record)
{
  g_autoptr(NatterStoreMessage) latest = NULL;
  NatterConversation *self;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (NATTER_IS_STORE (store), NULL);
  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (NATTER_TYPE_CONVERSATION, NULL);
  self->account = g_object_ref (account);
  self->store = g_object_ref (store);
  self->id = record->id;
  self->peer = g_strdup (record->peer);
  self->last_activity = record->last_activity;
  self->unread = record->unread;
  self->draft = g_strdup (record->draft);

  latest = natter_store_get_latest_message (store, record->id, NULL);
  if (latest != NULL)
    {
      self->preview = g_strdup (latest->body);
      if (latest->direction == NATTER_STORE_DIRECTION_IN)
        self->last_markable = g_strdup (latest->message_id);
    }
  return self;
}

static void
messaging_gone_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  NatterConversation *self = data;

  self->messaging = NULL;
}

void
natter_conversation_set_messaging (NatterConversation *self,
                                   NatterMessaging    *messaging)
{
  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  if (self->messaging == messaging)
    return;
  if (self->messaging != NULL)
    g_object_weak_unref (G_OBJECT (self->messaging), messaging_gone_cb, self);
  self->messaging = messaging;
  if (messaging != NULL)
    g_object_weak_ref (G_OBJECT (messaging), messaging_gone_cb, self);
}

static void
set_string_prop (NatterConversation  *self,
                 char               **field,
                 const char          *value,
                 int                  prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
natter_conversation_set_unread (NatterConversation *self,
                                guint               unread)
{
  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  if (self->unread == unread)
    return;
  self->unread = unread;
  natter_store_set_conversation_unread (self->store, self->id, unread, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
}

void
natter_conversation_set_chat_state (NatterConversation *self,
                                    NatterChatState     state)
{
  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  if (self->chat_state == state)
    return;
  self->chat_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAT_STATE]);
}

/**
 * natter_conversation_add_record:
 * @self: a conversation
 * @record: a message just stored in it
 * @unread: whether it counts as unread
 *
 * Shows a stored message: in the open message list, in the preview, and
 * as the conversation's activity.  A correction updates the message it
 * replaces instead.
 */
void
natter_conversation_add_record (NatterConversation *self,
                                NatterStoreMessage *record,
                                gboolean            unread)
{
  g_return_if_fail (NATTER_IS_CONVERSATION (self));
  g_return_if_fail (record != NULL);

  if (record->replaces != 0 && record->replaces != record->id)
    {
      natter_conversation_refresh_message (self, record->replaces);
      return;
    }

  if (self->messages != NULL)
    natter_message_list_add_record (self->messages, record);

  if (record->direction == NATTER_STORE_DIRECTION_IN && record->message_id != NULL &&
      record->timestamp >= self->last_activity)
    {
      g_free (self->last_markable);
      self->last_markable = g_strdup (record->message_id);
    }

  if (record->timestamp >= self->last_activity)
    {
      g_object_freeze_notify (G_OBJECT (self));
      set_string_prop (self, &self->preview, record->body, PROP_PREVIEW);
      self->last_activity = record->timestamp;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ACTIVITY]);
      g_object_thaw_notify (G_OBJECT (self));
      natter_store_touch_conversation (self->store, self->id, record->timestamp, NULL);
    }
  if (record->direction == NATTER_STORE_DIRECTION_IN)
    natter_conversation_set_chat_state (self, NATTER_CHAT_STATE_ACTIVE);
  if (unread)
    natter_conversation_set_unread (self, self->unread + 1);
}

/**
 * natter_conversation_refresh_message:
 * @self: a conversation
 * @message_id: a row whose state or body changed in the store
 *
 * Updates the shown object of that row, if it is shown.
 */
void
natter_conversation_refresh_message (NatterConversation *self,
                                     gint64              message_id)
{
  g_autoptr(NatterStoreMessage) record = NULL;
  NatterMessage *message;

  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  if (self->messages == NULL)
    return;
  message = natter_message_list_lookup (self->messages, message_id);
  if (message == NULL)
    return;
  record = natter_store_get_message (self->store, message_id, NULL);
  if (record != NULL)
    natter_message_update (message, record);
}

/**
 * natter_conversation_get_id:
 * @self: a conversation
 *
 * Returns: its row id in the store
 */
gint64
natter_conversation_get_id (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), 0);
  return self->id;
}

/**
 * natter_conversation_get_account:
 * @self: a conversation
 *
 * Returns: (transfer none): its account
 */
NatterAccount *
natter_conversation_get_account (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  return self->account;
}

/**
 * natter_conversation_get_peer:
 * @self: a conversation
 *
 * Returns: the peer's bare JID
 */
const char *
natter_conversation_get_peer (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  return self->peer;
}

/**
 * natter_conversation_get_title:
 * @self: a conversation
 *
 * Returns: what to call the conversation (for now, the peer's JID)
 */
const char *
natter_conversation_get_title (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  return self->peer;
}

/**
 * natter_conversation_get_preview:
 * @self: a conversation
 *
 * Returns: (nullable): the newest message's text
 */
const char *
natter_conversation_get_preview (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  return self->preview;
}

/**
 * natter_conversation_get_last_activity:
 * @self: a conversation
 *
 * Returns: when the newest message was written, in µs since the epoch
 */
gint64
natter_conversation_get_last_activity (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), 0);
  return self->last_activity;
}

/**
 * natter_conversation_get_unread:
 * @self: a conversation
 *
 * Returns: the number of unread messages
 */
guint
natter_conversation_get_unread (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), 0);
  return self->unread;
}

/**
 * natter_conversation_get_draft:
 * @self: a conversation
 *
 * Returns: (nullable): the composer's unsent text
 */
const char *
natter_conversation_get_draft (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  return self->draft;
}

/**
 * natter_conversation_set_draft:
 * @self: a conversation
 * @draft: (nullable): the composer's unsent text
 *
 * Keeps the draft, in the store too.
 */
void
natter_conversation_set_draft (NatterConversation *self,
                               const char         *draft)
{
  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  if (g_strcmp0 (self->draft, draft) == 0)
    return;
  natter_store_set_conversation_draft (self->store, self->id, draft, NULL);
  set_string_prop (self, &self->draft, draft, PROP_DRAFT);
}

/**
 * natter_conversation_get_chat_state:
 * @self: a conversation
 *
 * Returns: the peer's chat state
 */
NatterChatState
natter_conversation_get_chat_state (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NATTER_CHAT_STATE_NONE);
  return self->chat_state;
}

/**
 * natter_conversation_get_messages:
 * @self: a conversation
 * @error: return location for a #GError
 *
 * Opens the conversation's messages (the newest page) the first time.
 *
 * Returns: (transfer none) (nullable): the message list
 */
NatterMessageList *
natter_conversation_get_messages (NatterConversation  *self,
                                  GError             **error)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->messages == NULL)
    self->messages = natter_message_list_new (self->store, self->id, error);
  return self->messages;
}

static NatterMessage *
message_for_record (NatterConversation *self,
                    NatterStoreMessage *record)
{
  NatterMessage *message = NULL;

  if (self->messages != NULL)
    message = natter_message_list_lookup (self->messages, record->id);
  if (message != NULL)
    return g_object_ref (message);
  return natter_message_new_from_record (record);
}

/**
 * natter_conversation_send_async:
 * @self: a conversation
 * @body: the text
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the message is stored
 * @user_data: data for @callback
 *
 * Stores @body as a pending message in the outbox with a fresh UUID as its
 * id and origin-id (SECURITY.md O1) and hands it to the account to send.
 * The operation completes once the message is stored; its
 * #NatterMessage:state then follows the server's ack (sent), the peer's
 * receipt (delivered) and displayed marker (read).  Offline, the message
 * waits in the outbox for the next session.
 */
void
natter_conversation_send_async (NatterConversation  *self,
                                const char          *body,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(NatterStoreMessage) record = NULL;
  GError *error = NULL;

  g_return_if_fail (NATTER_IS_CONVERSATION (self));
  g_return_if_fail (body != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_conversation_send_async);

  if (self->messaging == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The account of %s cannot send messages"), self->peer);
      return;
    }
  /* The returned object is the one the list shows and updates. */
  if (natter_conversation_get_messages (self, &error) == NULL ||
      (record = natter_messaging_send_body (self->messaging, self, body, NULL, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, message_for_record (self, record), g_object_unref);
}

/**
 * natter_conversation_send_finish:
 * @self: a conversation
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the stored message, or %NULL on error
 */
NatterMessage *
natter_conversation_send_finish (NatterConversation  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * natter_conversation_correct_last_async:
 * @self: a conversation
 * @body: the corrected text
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the correction is stored
 * @user_data: data for @callback
 *
 * Corrects the account's own last message of the conversation (XEP-0308:
 * only the sender's last message may be corrected).  Fails with
 * %G_IO_ERROR_NOT_FOUND if the newest message is not ours.
 */
void
natter_conversation_correct_last_async (NatterConversation  *self,
                                        const char          *body,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(NatterStoreMessage) latest = NULL;
  g_autoptr(NatterStoreMessage) record = NULL;
  GError *error = NULL;

  g_return_if_fail (NATTER_IS_CONVERSATION (self));
  g_return_if_fail (body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_conversation_correct_last_async);

  if (self->messaging == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The account of %s cannot send messages"), self->peer);
      return;
    }
  latest = natter_store_get_latest_message (self->store, self->id, &error);
  if (latest == NULL && error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (latest == NULL || latest->direction != NATTER_STORE_DIRECTION_OUT ||
      latest->message_id == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("Only your last message can be corrected"));
      return;
    }
  record = natter_messaging_send_body (self->messaging, self, body,
                                       latest->replaces_ref != NULL ? latest->replaces_ref
                                                                    : latest->message_id,
                                       &error);
  if (record == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * natter_conversation_correct_last_finish:
 * @self: a conversation
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the correction was stored
 */
gboolean
natter_conversation_correct_last_finish (NatterConversation  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * natter_conversation_mark_read:
 * @self: a conversation
 *
 * Sets the unread count to 0 and tells the peer, with a XEP-0333
 * displayed marker for its newest message.
 */
void
natter_conversation_mark_read (NatterConversation *self)
{
  g_autoptr(XmppJid) to = NULL;
  g_autoptr(XmppNode) stanza = NULL;

  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  natter_conversation_set_unread (self, 0);
  if (self->last_markable == NULL || self->messaging == NULL)
    return;
  to = xmpp_jid_new (self->peer, NULL);
  if (to == NULL)
    return;
  stanza = xmpp_message_build_displayed (to, self->last_markable);
  natter_messaging_send_stanza (self->messaging, stanza);
  g_clear_pointer (&self->last_markable, g_free);
}

/**
 * natter_conversation_set_typing:
 * @self: a conversation
 * @state: %NATTER_CHAT_STATE_COMPOSING, %NATTER_CHAT_STATE_PAUSED or
 *   %NATTER_CHAT_STATE_ACTIVE
 *
 * Tells the peer what the user is doing (XEP-0085).  Repeated composing
 * states are sent at most every %NATTER_CONVERSATION_TYPING_INTERVAL.
 */
void
natter_conversation_set_typing (NatterConversation *self,
                                NatterChatState     state)
{
  g_autoptr(XmppJid) to = NULL;
  g_autoptr(XmppNode) stanza = NULL;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (NATTER_IS_CONVERSATION (self));
  g_return_if_fail (state != NATTER_CHAT_STATE_NONE);

  if (state == self->own_state &&
      (state != NATTER_CHAT_STATE_COMPOSING ||
       now - self->own_state_time < NATTER_CONVERSATION_TYPING_INTERVAL))
    return;
  self->own_state = state;
  self->own_state_time = now;
  if (self->messaging == NULL)
    return;
  to = xmpp_jid_new (self->peer, NULL);
  if (to == NULL)
    return;
  stanza = xmpp_message_build_chat_state (to, (XmppChatState) state);
  natter_messaging_send_stanza (self->messaging, stanza);
}
