/* xmpp-message-private.h: message parsing with provenance, shared with carbons, MAM and tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-message.h"

G_BEGIN_DECLS

/* Where a message came from, for xmpp_message_parse_full().  The caller
 * has checked the path's sender before: a carbon's wrapper came from the
 * own account, an archive result from the queried archive.  For
 * XMPP_MESSAGE_PROVENANCE_ARCHIVE, @archive, @archive_id and @stamp are
 * required (the stamp of the result's <forwarded/> <delay/>); @query_id
 * is the query's id.  @stamp, when set, becomes the message's timestamp.
 */
typedef struct
{
  XmppMessageProvenance  provenance;
  XmppJid               *archive;
  const char            *archive_id;
  const char            *query_id;
  GDateTime             *stamp;
} XmppMessageContext;

XmppMessage *xmpp_message_parse_full         (XmppNode                 *stanza,
                                              const char               *language,
                                              const XmppMessageContext *context,
                                              GError                  **error)
             G_GNUC_WARN_UNUSED_RESULT;

/* An XEP-0082 DateTime as XEP-0203 uses it, in UTC; NULL if @text is NULL
 * or not a date GDateTime can hold (year 99999, no time zone, garbage).  A
 * stamp in the future is clamped to now (SECURITY row 27). */
GDateTime   *xmpp_message_parse_stamp        (const char               *text)
             G_GNUC_WARN_UNUSED_RESULT;

/* Whether @stanza carries a payload that another module owns and that
 * must not be read as a message of its own: a carbon (XEP-0280), an
 * archive result (XEP-0313) or a PEP notification (XEP-0163). */
gboolean     xmpp_message_stanza_is_wrapper  (XmppNode                 *stanza);

/* What the "message" handler does with a <message/> stanza, exposed so
 * tests can feed stanzas without a server.  Returns FALSE: the module
 * observes messages, it never consumes them. */
gboolean     xmpp_messages_handle_message    (XmppMessages             *self,
                                              XmppNode                 *stanza);

/* Emits ::message for a message that reached us by another path
 * (carbons); the single exit of the receive pipeline (SECURITY I3). */
void         xmpp_messages_deliver           (XmppMessages             *self,
                                              XmppMessage              *message);

G_END_DECLS
