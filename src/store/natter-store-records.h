/* natter-store-records.h: the rows the database layer reads and writes
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The numeric values of these enumerations are stored in the database.
 * Never renumber them; add new values at the end.
 */

/**
 * NatterStoreDirection:
 * @NATTER_STORE_DIRECTION_IN: a message we received
 * @NATTER_STORE_DIRECTION_OUT: a message we sent, from this or another of our devices
 *
 * Which way a message went.
 */
typedef enum {
  NATTER_STORE_DIRECTION_IN = 0,
  NATTER_STORE_DIRECTION_OUT = 1,
} NatterStoreDirection;

/**
 * NatterStoreMessageState:
 * @NATTER_STORE_MESSAGE_STATE_PENDING: outgoing, not yet acknowledged by the
 *   server; the message is in the outbox
 * @NATTER_STORE_MESSAGE_STATE_SENT: outgoing, acknowledged by the server (XEP-0198)
 * @NATTER_STORE_MESSAGE_STATE_DELIVERED: outgoing, the recipient confirmed
 *   delivery (XEP-0184)
 * @NATTER_STORE_MESSAGE_STATE_READ: outgoing, the recipient displayed it (XEP-0333)
 * @NATTER_STORE_MESSAGE_STATE_FAILED: outgoing, could not be sent; the error
 *   text says why
 * @NATTER_STORE_MESSAGE_STATE_RECEIVED: incoming
 * @NATTER_STORE_MESSAGE_STATE_UNDECRYPTABLE: incoming, encrypted, and could
 *   not be decrypted; it has no body
 *
 * The life of a message.  An outgoing message is %NATTER_STORE_MESSAGE_STATE_PENDING
 * exactly as long as it is in the outbox: the store keeps the two in step.
 */
typedef enum {
  NATTER_STORE_MESSAGE_STATE_PENDING = 0,
  NATTER_STORE_MESSAGE_STATE_SENT = 1,
  NATTER_STORE_MESSAGE_STATE_DELIVERED = 2,
  NATTER_STORE_MESSAGE_STATE_READ = 3,
  NATTER_STORE_MESSAGE_STATE_FAILED = 4,
  NATTER_STORE_MESSAGE_STATE_RECEIVED = 5,
  NATTER_STORE_MESSAGE_STATE_UNDECRYPTABLE = 6,
} NatterStoreMessageState;

/**
 * NatterStoreMessageFlags:
 * @NATTER_STORE_MESSAGE_FLAG_NONE: no flag
 * @NATTER_STORE_MESSAGE_FLAG_CARBON: arrived as a XEP-0280 carbon copy
 * @NATTER_STORE_MESSAGE_FLAG_MAM: arrived from a XEP-0313 archive query
 * @NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE: not a message but a notice in
 *   the conversation: the peer (@sender) added the OMEMO device
 *   @sender_device.  It has no body, and neither moves the conversation's
 *   activity nor shows in its preview
 *
 * How a message reached us, and whether it is a notice.  Deduplication
 * never depends on them.
 */
typedef enum /*< flags >*/ {
  NATTER_STORE_MESSAGE_FLAG_NONE = 0,
  NATTER_STORE_MESSAGE_FLAG_CARBON = 1 << 0,
  NATTER_STORE_MESSAGE_FLAG_MAM = 1 << 1,
  NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE = 1 << 2,
} NatterStoreMessageFlags;

/**
 * NatterStoreEncryption:
 * @NATTER_STORE_ENCRYPTION_NONE: plaintext
 * @NATTER_STORE_ENCRYPTION_OMEMO: OMEMO (`eu.siacs.conversations.axolotl`)
 *
 * How a message was, or a conversation is to be, encrypted.
 */
typedef enum {
  NATTER_STORE_ENCRYPTION_NONE = 0,
  NATTER_STORE_ENCRYPTION_OMEMO = 1,
} NatterStoreEncryption;

/**
 * NatterStoreConversationKind:
 * @NATTER_STORE_CONVERSATION_CHAT: one to one (`type='chat'`)
 * @NATTER_STORE_CONVERSATION_GROUPCHAT: a multi-user chat room
 *
 * The kind of a conversation.
 */
typedef enum {
  NATTER_STORE_CONVERSATION_CHAT = 0,
  NATTER_STORE_CONVERSATION_GROUPCHAT = 1,
} NatterStoreConversationKind;

/**
 * NatterStoreSubscription:
 * @NATTER_STORE_SUBSCRIPTION_NONE: no presence subscription
 * @NATTER_STORE_SUBSCRIPTION_TO: we receive the contact's presence
 * @NATTER_STORE_SUBSCRIPTION_FROM: the contact receives ours
 * @NATTER_STORE_SUBSCRIPTION_BOTH: both
 *
 * The subscription state of a roster item (RFC 6121 §2.1.2.5).
 */
typedef enum {
  NATTER_STORE_SUBSCRIPTION_NONE = 0,
  NATTER_STORE_SUBSCRIPTION_TO = 1,
  NATTER_STORE_SUBSCRIPTION_FROM = 2,
  NATTER_STORE_SUBSCRIPTION_BOTH = 3,
} NatterStoreSubscription;

/**
 * NatterStoreInsertResult:
 * @NATTER_STORE_INSERT_ADDED: the message was new and is now stored
 * @NATTER_STORE_INSERT_DUPLICATE: a row with the same stanza-id (per account
 *   and archive) or origin-id (per conversation and direction) exists;
 *   nothing was written
 * @NATTER_STORE_INSERT_ATTACHED: a row with the same origin-id exists and had
 *   no stanza-id; the message's stanza-id and archive were attached to it and
 *   nothing else was written (a reflection of our own message, SECURITY.md O6)
 *
 * What inserting a message did.  In every case the message's `id` field is
 * set to the row that holds it.
 */
typedef enum {
  NATTER_STORE_INSERT_ADDED,
  NATTER_STORE_INSERT_DUPLICATE,
  NATTER_STORE_INSERT_ATTACHED,
} NatterStoreInsertResult;

typedef struct _NatterStoreAccount NatterStoreAccount;
typedef struct _NatterStoreContact NatterStoreContact;
typedef struct _NatterStoreConversation NatterStoreConversation;
typedef struct _NatterStoreMessage NatterStoreMessage;
typedef struct _NatterStoreMamRange NatterStoreMamRange;

/**
 * NatterStoreAccount:
 * @id: the row id; 0 until the account is added
 * @jid: the normalised bare JID; unique
 * @resource: the resource this device binds, kept across restarts
 * @display_name: (nullable): the name the user gave the account
 * @enabled: whether the account connects
 * @host: (nullable): a host to connect to instead of resolving the domain
 * @port: the port to use with @host, or 0 for the default
 * @direct_tls: connect with TLS from the first byte (XEP-0368) to @host
 * @pinned_certificates: (nullable): SHA-256 fingerprints of certificates the
 *   user accepted, as the engine formats them
 * @sasl_mechanism: (nullable): the strongest SASL mechanism this account has
 *   used, so a later downgrade can be noticed
 * @roster_version: (nullable): read-only here: the roster version the roster
 *   functions store (natter_store_roster_replace() and friends)
 * @created: when the account was added, in microseconds since the epoch
 *
 * An account as the database keeps it.  There is no password: that lives in
 * the Secret Service.
 *
 * Records are reference counted.  Their fields are public and owned by the
 * record; treat a record you did not create as read-only.
 */
struct _NatterStoreAccount
{
  gint64    id;
  char     *jid;
  char     *resource;
  char     *display_name;
  gboolean  enabled;
  char     *host;
  guint     port;
  gboolean  direct_tls;
  GStrv     pinned_certificates;
  char     *sasl_mechanism;
  char     *roster_version;
  gint64    created;
};

/**
 * NatterStoreContact:
 * @jid: the normalised bare JID of the contact
 * @name: (nullable): the name the user gave the contact
 * @subscription: the subscription state
 * @ask: a subscription request of ours is pending
 * @approved: the user pre-approved the contact's subscription request
 * @groups: (nullable): the roster groups, without duplicates
 *
 * A cached roster item.
 */
struct _NatterStoreContact
{
  char                    *jid;
  char                    *name;
  NatterStoreSubscription  subscription;
  gboolean                 ask;
  gboolean                 approved;
  GStrv                    groups;
};

/**
 * NatterStoreConversation:
 * @id: the row id
 * @account_id: the account
 * @peer: the normalised bare JID of the contact or room
 * @kind: one to one or a room
 * @last_activity: the time of its newest message or of the last
 *   natter_store_conversation_touch(), in microseconds since the epoch
 * @unread: the number of unread messages
 * @encryption: how new messages are to be encrypted
 * @draft: (nullable): the text left in the composer
 *
 * A conversation with one contact or room on one account.
 */
struct _NatterStoreConversation
{
  gint64                       id;
  gint64                       account_id;
  char                        *peer;
  NatterStoreConversationKind  kind;
  gint64                       last_activity;
  guint                        unread;
  NatterStoreEncryption        encryption;
  char                        *draft;
};

/**
 * NatterStoreMessage:
 * @id: the row id; set by the insert functions, 0 before
 * @conversation_id: the conversation
 * @account_id: read-only: the conversation's account, filled in by the store
 * @direction: in or out
 * @sender: (nullable): the sender's full JID (the occupant JID in a room)
 * @body: (nullable): the text to show: for a corrected message, the text of
 *   its latest correction
 * @original_body: (nullable): read-only: the text as first sent, set once the
 *   message has been corrected
 * @stanza_id: (nullable): the server-assigned XEP-0359 stanza-id, given only
 *   if it is trusted (its `by` is the own account or the room, and that
 *   entity announces `urn:xmpp:sid:0`)
 * @archive: (nullable): the `by` of @stanza_id: the archive the id belongs
 *   to; required exactly when @stanza_id is set
 * @origin_id: (nullable): the XEP-0359 origin-id (for our own messages the
 *   UUID that is also the `id` attribute, SECURITY.md O1)
 * @message_id: (nullable): the `id` attribute of the stanza
 * @timestamp: when the message was sent, in microseconds since the epoch: the
 *   `<delay/>` stamp when the core trusts it, else the local time.  Messages
 *   are ordered by (@timestamp, @id)
 * @delay: the `<delay/>` stamp as claimed, or 0 if there was none
 * @received: the local time the message was received or created
 * @state: its state
 * @error: (nullable): why sending failed, for %NATTER_STORE_MESSAGE_STATE_FAILED
 * @replaces_ref: (nullable): for a XEP-0308 correction, the id it names in
 *   `<replace id=…/>`
 * @replaces: read-only: for a correction, the row id of the message it
 *   corrects, once that message is stored (it may arrive later, for example
 *   when an archive is paged newest first); 0 otherwise.  A correction whose
 *   original is stored is hidden from the page and count functions and from
 *   search; the original shows the latest correction's text in @body
 * @encryption: how the message was encrypted
 * @sender_device: the OMEMO device id of the sender, or 0
 * @sender_trust: the trust the OMEMO layer had in @sender_device when it
 *   decrypted the message; its values are the OMEMO layer's, 0 when unencrypted
 * @flags: how the message reached us
 *
 * A message.  The fields the insert functions read are the writable ones;
 * those marked read-only are filled in when a message is read back.
 */
struct _NatterStoreMessage
{
  gint64                   id;
  gint64                   conversation_id;
  gint64                   account_id;
  NatterStoreDirection     direction;
  char                    *sender;
  char                    *body;
  char                    *original_body;
  char                    *stanza_id;
  char                    *archive;
  char                    *origin_id;
  char                    *message_id;
  gint64                   timestamp;
  gint64                   delay;
  gint64                   received;
  NatterStoreMessageState  state;
  char                    *error;
  char                    *replaces_ref;
  gint64                   replaces;
  NatterStoreEncryption    encryption;
  guint32                  sender_device;
  int                      sender_trust;
  NatterStoreMessageFlags  flags;
};

/**
 * NatterStoreMamRange:
 * @id: the row id; 0 for a range not stored yet
 * @account_id: the account that queried the archive
 * @archive: the normalised bare JID of the archive (the own account or a room)
 * @from_id: (nullable): the stanza-id of the oldest message the range covers
 * @from_time: the time of that message, in microseconds since the epoch, or 0
 * @to_id: (nullable): the stanza-id of the newest message the range covers
 * @to_time: the time of that message, or 0
 * @complete: the range reaches the start of the archive: there is nothing
 *   older to fetch
 *
 * A stretch of an archive whose messages are all stored (SECURITY.md I6).
 * The gaps between ranges are what is left to fetch.
 */
struct _NatterStoreMamRange
{
  gint64    id;
  gint64    account_id;
  char     *archive;
  char     *from_id;
  gint64    from_time;
  char     *to_id;
  gint64    to_time;
  gboolean  complete;
};

#define NATTER_TYPE_STORE_ACCOUNT (natter_store_account_get_type ())
#define NATTER_TYPE_STORE_CONTACT (natter_store_contact_get_type ())
#define NATTER_TYPE_STORE_CONVERSATION (natter_store_conversation_get_type ())
#define NATTER_TYPE_STORE_MESSAGE (natter_store_message_get_type ())
#define NATTER_TYPE_STORE_MAM_RANGE (natter_store_mam_range_get_type ())

GType                    natter_store_account_get_type      (void) G_GNUC_CONST;
NatterStoreAccount      *natter_store_account_new           (void) G_GNUC_WARN_UNUSED_RESULT;
NatterStoreAccount      *natter_store_account_ref           (NatterStoreAccount      *self);
void                     natter_store_account_unref         (NatterStoreAccount      *self);

GType                    natter_store_contact_get_type      (void) G_GNUC_CONST;
NatterStoreContact      *natter_store_contact_new           (void) G_GNUC_WARN_UNUSED_RESULT;
NatterStoreContact      *natter_store_contact_ref           (NatterStoreContact      *self);
void                     natter_store_contact_unref         (NatterStoreContact      *self);

GType                    natter_store_conversation_get_type (void) G_GNUC_CONST;
NatterStoreConversation *natter_store_conversation_new      (void) G_GNUC_WARN_UNUSED_RESULT;
NatterStoreConversation *natter_store_conversation_ref      (NatterStoreConversation *self);
void                     natter_store_conversation_unref    (NatterStoreConversation *self);

GType                    natter_store_message_get_type      (void) G_GNUC_CONST;
NatterStoreMessage      *natter_store_message_new           (void) G_GNUC_WARN_UNUSED_RESULT;
NatterStoreMessage      *natter_store_message_ref           (NatterStoreMessage      *self);
void                     natter_store_message_unref         (NatterStoreMessage      *self);

GType                    natter_store_mam_range_get_type    (void) G_GNUC_CONST;
NatterStoreMamRange     *natter_store_mam_range_new         (void) G_GNUC_WARN_UNUSED_RESULT;
NatterStoreMamRange     *natter_store_mam_range_ref         (NatterStoreMamRange     *self);
void                     natter_store_mam_range_unref       (NatterStoreMamRange     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterStoreAccount, natter_store_account_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterStoreContact, natter_store_contact_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterStoreConversation, natter_store_conversation_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterStoreMessage, natter_store_message_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterStoreMamRange, natter_store_mam_range_unref)

G_END_DECLS
