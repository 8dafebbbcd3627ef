/* xmpp-roster-private.h: roster parsing and building, shared with the tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-node.h"
#include "xmpp-roster.h"

G_BEGIN_DECLS

/* Parses one <item/> of jabber:iq:roster (RFC 6121 §2.1.2).  NULL with
 * @error set if the item is unusable: no or an invalid jid, an unknown
 * subscription value, or subscription='remove' when @allow_remove is FALSE
 * (it is only meaningful in a push).  Empty and duplicate groups are
 * dropped; an empty name counts as no name. */
XmppRosterItem *xmpp_roster_item_parse        (XmppNode    *item,
                                               gboolean     allow_remove,
                                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* The items of a roster result's <query/> (RFC 6121 §2.1.4), in document
 * order, bad items skipped; a JID listed twice keeps its last item.  Sets
 * @version to the query's 'ver' attribute, NULL if it has none. */
GPtrArray      *xmpp_roster_parse_query       (XmppNode    *query,
                                               char       **version) G_GNUC_WARN_UNUSED_RESULT;

/* The item of a roster push (RFC 6121 §2.1.6): an iq set whose <query/>
 * holds exactly one valid <item/>.  Does not look at 'from': the sender is
 * checked by the caller, before this runs. */
XmppRosterItem *xmpp_roster_parse_push        (XmppNode    *iq,
                                               char       **version,
                                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* Requests: a get with 'ver' (NULL: no versioning), a set that adds or
 * updates an item, and a set that removes it (RFC 6121 §2.2, §2.3–2.5). */
XmppNode       *xmpp_roster_build_get         (const char  *version) G_GNUC_WARN_UNUSED_RESULT;
XmppNode       *xmpp_roster_build_set         (XmppJid            *jid,
                                               const char         *name,
                                               const char * const *groups)
                G_GNUC_WARN_UNUSED_RESULT;
XmppNode       *xmpp_roster_build_remove      (XmppJid     *jid) G_GNUC_WARN_UNUSED_RESULT;

/* What the iq handler does with an iq carrying a roster <query/>; exposed
 * so tests can feed stanzas without a server.  Returns whether the stanza
 * was handled. */
gboolean        xmpp_roster_handle_iq         (XmppRoster  *self,
                                               XmppNode    *iq);

/* Applies the answer to a roster get: a full roster replaces the items; a
 * result without <query/> means "unchanged since the version we sent",
 * with the changes to follow as pushes (RFC 6121 §2.6.3). */
void            xmpp_roster_apply_result      (XmppRoster  *self,
                                               XmppNode    *result);

G_END_DECLS
