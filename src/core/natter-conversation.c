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
#include "natter-contact.h"
#include "natter-conversation-private.h"
#include "natter-core-enums.h"
#include "natter-roster.h"

/**
 * NatterConversation:
 *
 * A one-to-one conversation of one account with one bare JID: its
 * summary for the conversation list (title, preview, last activity,
 * unread count, draft, the peer's chat state) and its messages, opened
 * on demand as a #NatterMessageList.
 *
 * Messages go to the peer's bare JID, except that a reply goes to the
 * full JID of the resource that last wrote to us, while its presence
 * shows it online, until it goes offline or the peer writes from another
 * resource or its bare JID (RFC 6121 §5.1, "locking").
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
  NatterMessageEncryption encryption;
  NatterChatState    chat_state;
  NatterMessageList *messages;

  char              *last_markable;  /* id of the peer's newest message */
  NatterChatState    own_state;
  gint64             own_state_time;

  char              *title;
  NatterContact     *contact;        /* in the account's roster, or NULL */
  gulong             contact_name_id;
  char              *locked;         /* full JID replies go to, or NULL */
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
  PROP_ENCRYPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
natter_conversation_dispose (GObject *object)
{
  NatterConversation *self = NATTER_CONVERSATION (object);

  natter_conversation_set_messaging (self, NULL);
  if (self->account != NULL && natter_account_get_roster (self->account) != NULL)
    g_signal_handlers_disconnect_by_data (natter_account_get_roster (self->account), self);
  if (self->contact != NULL)
    g_clear_signal_handler (&self->contact_name_id, self->contact);
  g_clear_object (&self->contact);
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
  g_free (self->title);
  g_free (self->locked);

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
      g_value_set_string (value, self->title);
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
    case PROP_ENCRYPTION:
      g_value_set_enum (value, self->encryption);
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
    case PROP_ENCRYPTION:
      natter_conversation_set_encryption (self, g_value_get_enum (value));
      break;
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
   * What to call the conversation: the name of the contact in the
   * account's roster (the name the user gave it, else the local part of
   * its JID), else the local part of the peer's JID, else the JID.  It
   * follows renames.
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

  /**
   * NatterConversation:encryption:
   *
   * How new messages are sent: %NATTER_MESSAGE_ENCRYPTION_OMEMO never
   * falls back to plaintext.  Kept in the store.
   */
  properties[PROP_ENCRYPTION] =
    g_param_spec_enum ("encryption", NULL, NULL, NATTER_TYPE_MESSAGE_ENCRYPTION,
                       NATTER_MESSAGE_ENCRYPTION_NONE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_conversation_init (NatterConversation *self)
{
}

static void
update_title (NatterConversation *self)
{
  g_autofree char *fallback = NULL;
  const char *title = NULL;

  if (self->contact != NULL)
    title = natter_contact_get_name (self->contact);
  if (title == NULL)
    {
      g_autoptr(XmppJid) jid = xmpp_jid_new (self->peer, NULL);

      if (jid != NULL && xmpp_jid_get_localpart (jid) != NULL)
        title = fallback = g_strdup (xmpp_jid_get_localpart (jid));
      else
        title = self->peer;
    }
  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
contact_name_cb (NatterConversation *self)
{
  update_title (self);
}

/* The roster changed: the peer may have become, or stopped being, a
 * contact. */
static void
roster_changed_cb (NatterConversation *self)
{
  NatterRoster *roster = natter_account_get_roster (self->account);
  NatterContact *contact = roster != NULL ? natter_roster_lookup (roster, self->peer) : NULL;

  if (contact != self->contact)
    {
      if (self->contact != NULL)
        g_clear_signal_handler (&self->contact_name_id, self->contact);
      g_set_object (&self->contact, contact);
      if (contact != NULL)
        self->contact_name_id = g_signal_connect_object (contact, "notify::name",
                                                         G_CALLBACK (contact_name_cb), self,
                                                         G_CONNECT_SWAPPED);
    }
  update_title (self);
}

/* What the conversation list and notifications show of @record: a
 * message from a distrusted device stays hidden there too. */
static const char *
preview_of (NatterStoreMessage *record)
{
  if (record->body != NULL && natter_message_record_is_hidden (record))
    return _("Hidden message from a distrusted device");
  return record->body;
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
  self->encryption = record->encryption == NATTER_STORE_ENCRYPTION_OMEMO
                     ? NATTER_MESSAGE_ENCRYPTION_OMEMO : NATTER_MESSAGE_ENCRYPTION_NONE;

  latest = natter_store_get_latest_message (store, record->id, NULL);
  if (latest != NULL)
    {
      self->preview = g_strdup (preview_of (latest));
      if (latest->direction == NATTER_STORE_DIRECTION_IN)
        self->last_markable = g_strdup (latest->message_id);
    }

  if (natter_account_get_roster (account) != NULL)
    g_signal_connect_object (natter_account_get_roster (account), "items-changed",
                             G_CALLBACK (roster_changed_cb), self, G_CONNECT_SWAPPED);
  roster_changed_cb (self);
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
      g_autoptr(NatterStoreMessage) original = natter_store_get_message (self->store,
                                                                         record->replaces, NULL);

      natter_conversation_refresh_message (self, record->replaces);
      /* The preview shows the newest message as corrected. */
      if (original != NULL && original->body != NULL &&
          original->timestamp >= self->last_activity)
        set_string_prop (self, &self->preview, preview_of (original), PROP_PREVIEW);
      return;
    }

  if (self->messages != NULL)
    natter_message_list_add_record (self->messages, record);
  /* A notice is part of the history, not news: no preview, activity or unread. */
  if (record->flags & NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE)
    return;

  if (record->direction == NATTER_STORE_DIRECTION_IN && record->message_id != NULL &&
      record->timestamp >= self->last_activity)
    {
      g_free (self->last_markable);
      self->last_markable = g_strdup (record->message_id);
    }

  if (record->timestamp >= self->last_activity)
    {
      g_object_freeze_notify (G_OBJECT (self));
      set_string_prop (self, &self->preview, preview_of (record), PROP_PREVIEW);
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
 * Returns: what to call the conversation; see #NatterConversation:title
 */
const char *
natter_conversation_get_title (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  return self->title;
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
 * natter_conversation_get_encryption:
 * @self: a conversation
 *
 * Returns: how new messages are sent
 */
NatterMessageEncryption
natter_conversation_get_encryption (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NATTER_MESSAGE_ENCRYPTION_NONE);

  return self->encryption;
}

/**
 * natter_conversation_set_encryption:
 * @self: a conversation
 * @encryption: how new messages are to be sent
 *
 * Chooses end-to-end encryption (or none) for the messages sent from now
 * on, and keeps the choice in the store.
 */
void
natter_conversation_set_encryption (NatterConversation      *self,
                                    NatterMessageEncryption  encryption)
{
  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  if (self->encryption == encryption)
    return;
  self->encryption = encryption;
  natter_store_set_conversation_encryption (self->store, self->id,
                                            encryption == NATTER_MESSAGE_ENCRYPTION_OMEMO
                                            ? NATTER_STORE_ENCRYPTION_OMEMO
                                            : NATTER_STORE_ENCRYPTION_NONE, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCRYPTION]);
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
    {
      self->messages = natter_message_list_new (self->store, self->id, error);
      if (self->messages != NULL)
        natter_message_list_set_conversation (self->messages, self);
    }
  return self->messages;
}

/* The object the open list shows for @record, or a new one. */
NatterMessage *
natter_conversation_dup_message (NatterConversation *self,
                                 NatterStoreMessage *record)
{
  NatterMessage *message = NULL;

  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (record != NULL, NULL);

  if (self->messages != NULL)
    message = natter_message_list_lookup (self->messages, record->id);
  if (message != NULL)
    return g_object_ref (message);
  return natter_message_new_from_record (record);
}

/* Where replies go: the locked full JID, else the bare JID. */
const char *
natter_conversation_get_reply_to (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), NULL);
  return self->locked != NULL ? self->locked : self->peer;
}

/* The peer wrote from @from: replies go to that resource, or to the bare
 * JID when it wrote from the bare JID (RFC 6121 §5.1). */
void
natter_conversation_lock_resource (NatterConversation *self,
                                   XmppJid            *from)
{
  g_return_if_fail (NATTER_IS_CONVERSATION (self));
  g_return_if_fail (from != NULL);

  if (!xmpp_jid_is_bare (from) && g_strcmp0 (xmpp_jid_to_bare_string (from), self->peer) == 0)
    {
      g_free (self->locked);
      self->locked = g_strdup (xmpp_jid_to_string (from));
    }
  else
    g_clear_pointer (&self->locked, g_free);
}

/* @full_jid went offline (or the session that saw it ended): unlock if it
 * is the locked resource; %NULL unlocks whatever is locked. */
void
natter_conversation_unlock_resource (NatterConversation *self,
                                     XmppJid            *full_jid)
{
  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  if (full_jid == NULL || g_strcmp0 (self->locked, xmpp_jid_to_string (full_jid)) == 0)
    g_clear_pointer (&self->locked, g_free);
}

/* Whether the archive is known to hold nothing older than the store. */
gboolean
natter_conversation_get_history_complete (NatterConversation *self)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), TRUE);

  if (self->messaging == NULL)
    return FALSE;
  return natter_messaging_get_history_complete (self->messaging, self);
}

static void
fetch_history_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean complete = FALSE;

  if (!natter_messaging_fetch_history_finish (NATTER_MESSAGING (object), result, &complete,
                                              &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, complete);
}

/* Stores the archive's page of this conversation before its oldest
 * stored message; completes with whether that reached the start. */
void
natter_conversation_fetch_history_async (NatterConversation  *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NATTER_IS_CONVERSATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_conversation_fetch_history_async);
  if (self->messaging == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The account of %s cannot reach its archive"), self->peer);
      return;
    }
  natter_messaging_fetch_history_async (self->messaging, self, cancellable,
                                        fetch_history_cb, g_steal_pointer (&task));
}

gboolean
natter_conversation_fetch_history_finish (NatterConversation  *self,
                                          GAsyncResult        *result,
                                          gboolean            *complete,
                                          GError             **error)
{
  gssize value;

  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;
  if (complete != NULL)
    *complete = value != 0;
  return TRUE;
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
  g_task_return_pointer (task, natter_conversation_dup_message (self, record), g_object_unref);
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
  if (self->last_markable == NULL || self->messaging == NULL ||
      !natter_messaging_get_send_markers (self->messaging))
    return;
  to = xmpp_jid_new (natter_conversation_get_reply_to (self), NULL);
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
  to = xmpp_jid_new (natter_conversation_get_reply_to (self), NULL);
  if (to == NULL)
    return;
  stanza = xmpp_message_build_chat_state (to, (XmppChatState) state);
  natter_messaging_send_stanza (self->messaging, stanza);
}

/**
 * natter_conversation_retry_async:
 * @self: a conversation
 * @message: an outgoing message of @self in state
 *   %NATTER_MESSAGE_STATE_FAILED
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the message is back in the outbox
 * @user_data: data for @callback
 *
 * Sends a message that failed (for example bounced with an error) again.
 * It goes back to %NATTER_MESSAGE_STATE_PENDING, its error is cleared,
 * and it leaves through the outbox like a new message, now or in the
 * next session.
 *
 * The retry keeps the message's id and origin-id (XEP-0359), as every
 * resend does (SECURITY.md O1): if the first copy reached the peer after
 * all, the peer's client drops the second as a duplicate instead of
 * showing it twice, and a receipt (XEP-0184) or displayed marker
 * (XEP-0333) for either copy names the one message.  It carries a
 * `<delay/>` with the time it was written.
 *
 * Fails with %G_IO_ERROR_INVALID_ARGUMENT if @message is not a failed
 * outgoing message of @self.
 */
void
natter_conversation_retry_async (NatterConversation  *self,
                                 NatterMessage       *message,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (NATTER_IS_CONVERSATION (self));
  g_return_if_fail (NATTER_IS_MESSAGE (message));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_conversation_retry_async);

  if (self->messaging == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The account of %s cannot send messages"), self->peer);
      return;
    }
  if (!natter_messaging_retry (self->messaging, self, natter_message_get_id (message), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * natter_conversation_retry_finish:
 * @self: a conversation
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the message is pending again
 */
gboolean
natter_conversation_retry_finish (NatterConversation  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (NATTER_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
