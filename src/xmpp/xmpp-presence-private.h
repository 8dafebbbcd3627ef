/* xmpp-presence-private.h: presence parsing and ranking, shared with the tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-presence.h"

G_BEGIN_DECLS

/* <show/> text to a value; absent or unknown (logged) is AVAILABLE. */
XmppPresenceShow      xmpp_presence_parse_show         (const char            *text);

/* <priority/> text (RFC 6121 §4.7.2.3, an xs:byte): absent, not an
 * integer, or outside -128..127 (logged with g_debug) is 0. */
int                   xmpp_presence_parse_priority     (const char            *text);

/* A copy of @text cut to XMPP_PRESENCE_STATUS_MAX_CHARS characters; NULL
 * for NULL or "". */
char                 *xmpp_presence_truncate_text      (const char            *text)
                      G_GNUC_WARN_UNUSED_RESULT;

/* The state an available <presence/> from @from announces.  @language
 * picks among several <status/> elements; @serial orders resources by
 * arrival. */
XmppPresenceResource *xmpp_presence_resource_parse     (XmppNode              *presence,
                                                        XmppJid               *from,
                                                        const char            *language,
                                                        guint64                serial)
                      G_GNUC_WARN_UNUSED_RESULT;

/* Positive if @a is the better resource to show and to talk to: higher
 * priority, then the more available <show/> (chat, available, away, xa,
 * dnd), then the more recent. */
int                   xmpp_presence_resource_compare   (XmppPresenceResource  *a,
                                                        XmppPresenceResource  *b);

/* Our own available presence, before ::prepare. */
XmppNode             *xmpp_presence_build              (XmppPresenceShow       show,
                                                        const char            *status,
                                                        int                    priority,
                                                        const char            *language)
                      G_GNUC_WARN_UNUSED_RESULT;

/* What the presence handler does with a stanza; exposed so tests can feed
 * stanzas without a server. */
gboolean              xmpp_presence_handle_stanza      (XmppPresence          *self,
                                                        XmppNode              *presence);

G_END_DECLS
