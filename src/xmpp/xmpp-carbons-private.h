/* xmpp-carbons-private.h: carbon unwrapping, shared with the tests and the fuzzer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-carbons.h"
#include "xmpp-client.h"

G_BEGIN_DECLS

/* The checks and the unwrapping of a carbon, without a module: @stanza
 * must carry exactly one <sent/> or <received/> in urn:xmpp:carbons:2,
 * come from @client's own account (no 'from', or the own bare JID,
 * compared as prepared JIDs; the own full JID is refused), not be of type
 * groupchat, and hold <forwarded xmlns='urn:xmpp:forward:0'> with a
 * <message xmlns='jabber:client'/> that parses.  NULL with
 * XMPP_ERROR_BAD_STANZA otherwise. */
XmppMessage *xmpp_carbons_unwrap          (XmppClient   *client,
                                           XmppNode     *stanza,
                                           const char   *language,
                                           GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* What the handlers do with a stanza carrying <sent/> or <received/>:
 * emit the unwrapped message on the messages module, or drop it.
 * Always TRUE: a carbon that fails the checks is seen by no one. */
gboolean     xmpp_carbons_handle_message  (XmppCarbons  *self,
                                           XmppNode     *stanza);

/* How many carbons were dropped since the module was created. */
guint        xmpp_carbons_get_n_dropped   (XmppCarbons  *self);

G_END_DECLS
