/* xmpp-message.h: messages; XEP-0085 2.1, -0184 1.4, -0203 2.0, -0308 1.2, -0333 0.4, -0359 0.7
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-client.h"
#include "xmpp-disco.h"
#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_RECEIPTS     "urn:xmpp:receipts"                       /* XEP-0184 */
#define XMPP_NS_CHAT_STATES  "http://jabber.org/protocol/chatstates"   /* XEP-0085 */
#define XMPP_NS_CHAT_MARKERS "urn:xmpp:chat-markers:0"                 /* XEP-0333 */
#define XMPP_NS_CORRECTION   "urn:xmpp:message-correct:0"              /* XEP-0308 */
#define XMPP_NS_STANZA_ID    "urn:xmpp:sid:0"                          /* XEP-0359 */
#define XMPP_NS_DELAY        "urn:xmpp:delay"                          /* XEP-0203 */
#define XMPP_NS_FORWARD      "urn:xmpp:forward:0"                      /* XEP-0297 */
#define XMPP_NS_OOB          "jabber:x:oob"                            /* XEP-0066 */
#define XMPP_NS_MUC_USER     "http://jabber.org/protocol/muc#user"     /* XEP-0045 */
#define XMPP_NS_OMEMO_LEGACY "eu.siacs.conversations.axolotl"          /* XEP-0384 0.3 */

/**
 * XMPP_MESSAGE_MAX_BODY_BYTES:
 *
 * Bodies longer than this many bytes are cut, at a character boundary, to
 * at most this length (SECURITY row 44).  It is Prosody's default stanza
 * size limit for clients, so no body a server delivers is cut.
 */
#define XMPP_MESSAGE_MAX_BODY_BYTES (256 * 1024)

/**
 * XMPP_MESSAGE_MAX_ID_BYTES:
 *
 * Ids, thread ids and similar tokens longer than this are treated as absent:
 * cutting them could make two different ids equal.
 */
#define XMPP_MESSAGE_MAX_ID_BYTES 1024

/**
 * XmppMessageType:
 * @XMPP_MESSAGE_TYPE_NORMAL: `normal`, also for an absent or unknown type
 *   (RFC 6121 §5.2.2)
 * @XMPP_MESSAGE_TYPE_CHAT: `chat`, one-to-one conversation
 * @XMPP_MESSAGE_TYPE_GROUPCHAT: `groupchat`, from a room
 * @XMPP_MESSAGE_TYPE_HEADLINE: `headline`, an alert nobody answers
 * @XMPP_MESSAGE_TYPE_ERROR: `error`, a bounce of a message we sent
 *
 * The `type` attribute of a message.
 */
typedef enum {
  XMPP_MESSAGE_TYPE_NORMAL,
  XMPP_MESSAGE_TYPE_CHAT,
  XMPP_MESSAGE_TYPE_GROUPCHAT,
  XMPP_MESSAGE_TYPE_HEADLINE,
  XMPP_MESSAGE_TYPE_ERROR,
} XmppMessageType;

/**
 * XmppMessageProvenance:
 * @XMPP_MESSAGE_PROVENANCE_LIVE: delivered to this session directly
 * @XMPP_MESSAGE_PROVENANCE_CARBON_SENT: a copy of a message another
 *   session of the account sent (XEP-0280 `<sent/>`)
 * @XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED: a copy of a message another
 *   session of the account received (XEP-0280 `<received/>`)
 * @XMPP_MESSAGE_PROVENANCE_ARCHIVE: a result of an archive query
 *   (XEP-0313); see xmpp_message_get_archive()
 *
 * By which path a message reached us.  Every path is checked for its
 * sender before a message is parsed with its provenance: a carbon came
 * from the own account, an archive result from the queried archive.
 */
typedef enum {
  XMPP_MESSAGE_PROVENANCE_LIVE,
  XMPP_MESSAGE_PROVENANCE_CARBON_SENT,
  XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED,
  XMPP_MESSAGE_PROVENANCE_ARCHIVE,
} XmppMessageProvenance;

/**
 * XmppChatState:
 * @XMPP_CHAT_STATE_NONE: the message carries no chat state
 * @XMPP_CHAT_STATE_ACTIVE: `<active/>`
 * @XMPP_CHAT_STATE_COMPOSING: `<composing/>`
 * @XMPP_CHAT_STATE_PAUSED: `<paused/>`
 * @XMPP_CHAT_STATE_INACTIVE: `<inactive/>`
 * @XMPP_CHAT_STATE_GONE: `<gone/>`
 *
 * A chat state notification (XEP-0085 §5).
 */
typedef enum {
  XMPP_CHAT_STATE_NONE,
  XMPP_CHAT_STATE_ACTIVE,
  XMPP_CHAT_STATE_COMPOSING,
  XMPP_CHAT_STATE_PAUSED,
  XMPP_CHAT_STATE_INACTIVE,
  XMPP_CHAT_STATE_GONE,
} XmppChatState;

/**
 * XmppChatMarker:
 * @XMPP_CHAT_MARKER_NONE: no marker
 * @XMPP_CHAT_MARKER_RECEIVED: `<received/>`: the message reached a device
 * @XMPP_CHAT_MARKER_DISPLAYED: `<displayed/>`: the user saw it
 * @XMPP_CHAT_MARKER_ACKNOWLEDGED: `<acknowledged/>`: the user acted on it
 *
 * A chat marker (XEP-0333 §3), pointing at an earlier message by its id.
 */
typedef enum {
  XMPP_CHAT_MARKER_NONE,
  XMPP_CHAT_MARKER_RECEIVED,
  XMPP_CHAT_MARKER_DISPLAYED,
  XMPP_CHAT_MARKER_ACKNOWLEDGED,
} XmppChatMarker;

const char            *xmpp_message_type_to_string         (XmppMessageType        type);
const char            *xmpp_chat_state_to_string           (XmppChatState          state);

#define XMPP_TYPE_MESSAGE (xmpp_message_get_type ())

typedef struct _XmppMessage XmppMessage;

GType                  xmpp_message_get_type               (void) G_GNUC_CONST;

XmppMessage           *xmpp_message_parse                  (XmppNode              *stanza,
                                                            const char            *language,
                                                            GError               **error)
                       G_GNUC_WARN_UNUSED_RESULT;
XmppMessage           *xmpp_message_ref                    (XmppMessage           *self);
void                   xmpp_message_unref                  (XmppMessage           *self);

XmppMessageType        xmpp_message_get_message_type       (XmppMessage           *self);
XmppJid               *xmpp_message_get_from               (XmppMessage           *self);
XmppJid               *xmpp_message_get_to                 (XmppMessage           *self);
const char            *xmpp_message_get_id                 (XmppMessage           *self);
const char            *xmpp_message_get_origin_id          (XmppMessage           *self);
guint                  xmpp_message_get_n_stanza_ids       (XmppMessage           *self);
const char            *xmpp_message_get_stanza_id_at       (XmppMessage           *self,
                                                            guint                  index,
                                                            XmppJid              **by);
const char            *xmpp_message_get_stanza_id          (XmppMessage           *self,
                                                            XmppJid               *by);
const char            *xmpp_message_get_body               (XmppMessage           *self);
const char            *xmpp_message_get_thread             (XmppMessage           *self);
GDateTime             *xmpp_message_get_timestamp          (XmppMessage           *self);
GDateTime             *xmpp_message_get_delay              (XmppMessage           *self);
XmppJid               *xmpp_message_get_delay_from         (XmppMessage           *self);
XmppChatState          xmpp_message_get_chat_state         (XmppMessage           *self);
gboolean               xmpp_message_get_receipt_requested  (XmppMessage           *self);
const char            *xmpp_message_get_receipt_id         (XmppMessage           *self);
gboolean               xmpp_message_get_markable           (XmppMessage           *self);
XmppChatMarker         xmpp_message_get_marker             (XmppMessage           *self);
const char            *xmpp_message_get_marker_id          (XmppMessage           *self);
const char            *xmpp_message_get_replace_id         (XmppMessage           *self);
XmppNode              *xmpp_message_get_encrypted          (XmppMessage           *self);
const char            *xmpp_message_get_oob_url            (XmppMessage           *self);
const char            *xmpp_message_get_error_condition    (XmppMessage           *self);
const char            *xmpp_message_get_error_text         (XmppMessage           *self);
gboolean               xmpp_message_get_muc_private        (XmppMessage           *self);
XmppMessageProvenance  xmpp_message_get_provenance         (XmppMessage           *self);
XmppJid               *xmpp_message_get_archive            (XmppMessage           *self);
const char            *xmpp_message_get_archive_id         (XmppMessage           *self);
const char            *xmpp_message_get_query_id           (XmppMessage           *self);
XmppNode              *xmpp_message_get_node               (XmppMessage           *self);

XmppNode              *xmpp_message_build_chat             (XmppJid               *to,
                                                            const char            *id,
                                                            const char            *body)
                       G_GNUC_WARN_UNUSED_RESULT;
XmppNode              *xmpp_message_build_correction       (XmppJid               *to,
                                                            const char            *id,
                                                            const char            *replace_id,
                                                            const char            *body)
                       G_GNUC_WARN_UNUSED_RESULT;
XmppNode              *xmpp_message_build_receipt          (XmppJid               *to,
                                                            const char            *received_id)
                       G_GNUC_WARN_UNUSED_RESULT;
XmppNode              *xmpp_message_build_displayed        (XmppJid               *to,
                                                            const char            *displayed_id)
                       G_GNUC_WARN_UNUSED_RESULT;
XmppNode              *xmpp_message_build_chat_state       (XmppJid               *to,
                                                            XmppChatState          state)
                       G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppMessage, xmpp_message_unref)

#define XMPP_TYPE_MESSAGES (xmpp_messages_get_type ())

G_DECLARE_FINAL_TYPE (XmppMessages, xmpp_messages, XMPP, MESSAGES, GObject)

XmppMessages          *xmpp_messages_new                   (XmppClient            *client,
                                                            XmppDisco             *disco)
                       G_GNUC_WARN_UNUSED_RESULT;
XmppClient            *xmpp_messages_get_client            (XmppMessages          *self);
XmppDisco             *xmpp_messages_get_disco             (XmppMessages          *self);
const char            *xmpp_messages_get_language          (XmppMessages          *self);
void                   xmpp_messages_set_language          (XmppMessages          *self,
                                                            const char            *language);
const char            *xmpp_messages_get_trusted_stanza_id (XmppMessages          *self,
                                                            XmppMessage           *message);

G_END_DECLS
