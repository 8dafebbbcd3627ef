/* xmpp-mam-private.h: archive query internals, shared with the tests and the fuzzer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-mam.h"

G_BEGIN_DECLS

/* The query iq for @archive (NULL: the own archive, no 'to') with
 * @queryid; @query as in xmpp_mam_query_async(). */
XmppNode    *xmpp_mam_build_query          (XmppJid            *archive,
                                            const XmppMamQuery *query,
                                            const char         *queryid) G_GNUC_WARN_UNUSED_RESULT;

/* The checks on one <result/> message, without a module (SECURITY rows 4,
 * 8, 9): it carries <result xmlns='urn:xmpp:mam:2'> with @queryid and an
 * id; its 'from' is absent or @own's bare JID when @archive is @own's
 * bare JID, else exactly @archive (a room); it holds <forwarded> with a
 * valid <delay stamp> and a <message xmlns='jabber:client'> that parses,
 * which in the own archive is not of type groupchat and in a room's
 * archive is of type groupchat from an occupant of that room.  NULL with
 * XMPP_ERROR_BAD_STANZA otherwise.  @archive must be bare. */
XmppMessage *xmpp_mam_parse_result         (XmppJid            *own,
                                            XmppJid            *archive,
                                            const char         *queryid,
                                            XmppNode           *stanza,
                                            const char         *language,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;

/* The answer that closes a query: its <fin/> (complete, RSM first, last
 * and count) and the results collected, in archive order.  @messages is
 * consumed. */
XmppMamPage *xmpp_mam_page_new_from_fin    (XmppJid            *archive,
                                            const char         *queryid,
                                            GPtrArray          *messages,
                                            XmppNode           *result,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;

/* The steps of xmpp_mam_query_async(), for tests that play the server:
 * open a query (results for it are accepted from now on), then close it
 * with the iq result, which yields the page.  Closing an unknown query
 * fails with XMPP_ERROR_FAILED.  @archive NULL means the own archive. */
void         xmpp_mam_open_query           (XmppMam            *self,
                                            XmppJid            *archive,
                                            const char         *queryid,
                                            guint               max);
XmppMamPage *xmpp_mam_close_query          (XmppMam            *self,
                                            const char         *queryid,
                                            XmppNode           *result,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     xmpp_mam_has_open_query       (XmppMam            *self,
                                            const char         *queryid);

/* What the handler does with a message carrying <result/>: file it under
 * its open query, or drop it.  Always TRUE: results are seen by no one
 * else. */
gboolean     xmpp_mam_handle_message       (XmppMam            *self,
                                            XmppNode           *stanza);

/* How many results were dropped since the module was created. */
guint        xmpp_mam_get_n_dropped        (XmppMam            *self);

/* A test hook, called with the queryid of each query
 * xmpp_mam_query_async() opens, just before its iq is sent; and one that
 * chooses the queryid of the next query instead of a random one. */
typedef void (*XmppMamQueryHook) (XmppMam    *self,
                                  const char *queryid,
                                  gpointer    user_data);

void         xmpp_mam_set_query_hook       (XmppMam            *self,
                                            XmppMamQueryHook    hook,
                                            gpointer            user_data);
void         xmpp_mam_set_next_query_id    (XmppMam            *self,
                                            const char         *queryid);

G_END_DECLS
