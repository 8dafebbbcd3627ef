/* xmpp-pep-private.h: PEP requests, answers and events, shared with the tests and the fuzzer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-pep.h"

G_BEGIN_DECLS

typedef enum {
  XMPP_PEP_EVENT_ITEMS,    /* <items/>: published items and/or retractions */
  XMPP_PEP_EVENT_PURGE,    /* <purge/>: every item is gone */
  XMPP_PEP_EVENT_DELETE,   /* <delete/>: the node is gone */
} XmppPepEventKind;

/* One validated pubsub#event notification. */
typedef struct
{
  XmppPepEventKind  kind;
  XmppJid          *from;       /* a bare JID with a localpart */
  char             *node;
  GPtrArray        *items;      /* XmppPepItem *, for ITEMS; may be empty */
  GPtrArray        *retracted;  /* char * ids, for ITEMS; may be empty */
} XmppPepEvent;

void          xmpp_pep_event_free          (XmppPepEvent  *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppPepEvent, xmpp_pep_event_free)

/* Requests (XEP-0060 §7.1.5, §6.5, §7.2, §8.2.4, §8.4).  The publish
 * carries publish-options (persist_items true and @access_model) only
 * when @access_model is set; the configure form only those two fields.
 * @owner NULL addresses the own account (no 'to'). */
XmppNode     *xmpp_pep_build_publish       (const char    *node,
                                            const char    *item_id,
                                            XmppNode      *payload,
                                            const char    *access_model) G_GNUC_WARN_UNUSED_RESULT;
XmppNode     *xmpp_pep_build_configure     (const char    *node,
                                            const char    *access_model) G_GNUC_WARN_UNUSED_RESULT;
XmppNode     *xmpp_pep_build_fetch         (XmppJid       *owner,
                                            const char    *node,
                                            const char    *item_id) G_GNUC_WARN_UNUSED_RESULT;
XmppNode     *xmpp_pep_build_retract       (const char    *node,
                                            const char    *item_id) G_GNUC_WARN_UNUSED_RESULT;
XmppNode     *xmpp_pep_build_delete        (const char    *node) G_GNUC_WARN_UNUSED_RESULT;

/* The items of an iq result to a fetch of @node (and only @item_id if it
 * is set): a <pubsub/> with one <items node='@node'/> whose <item/>s each
 * have a valid id and exactly one payload element.  Anything else, or
 * more than XMPP_PEP_MAX_ITEMS items, is XMPP_ERROR_BAD_STANZA. */
GPtrArray    *xmpp_pep_parse_items_result  (XmppNode      *iq,
                                            const char    *node,
                                            const char    *item_id,
                                            GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* The item id in the answer to a publish, if the server named one. */
const char   *xmpp_pep_parse_publish_result (XmppNode     *iq,
                                             const char   *node);

/* Checks and parses a <message/> carrying a pubsub#event: it must come
 * from a bare JID with a localpart or have no 'from' (then it is @own's
 * bare JID), not be of type error or groupchat, hold exactly one <event/>
 * with exactly one <items/>, <purge/> or <delete/> naming a valid node;
 * <items/> must hold 1 to XMPP_PEP_MAX_ITEMS <item/> (valid id, exactly
 * one payload) and <retract/> (valid id) children and nothing else.  NULL
 * with XMPP_ERROR_BAD_STANZA otherwise. */
XmppPepEvent *xmpp_pep_event_parse         (XmppNode      *message,
                                            XmppJid       *own,
                                            GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* What the message handler does: parse, then emit ::items, ::retracted,
 * ::purged or ::deleted; a bad event is logged and dropped.  Returns
 * whether a valid event was emitted. */
gboolean      xmpp_pep_handle_message      (XmppPep       *self,
                                            XmppNode      *message);

G_END_DECLS
