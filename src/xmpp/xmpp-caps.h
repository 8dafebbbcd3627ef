/* xmpp-caps.h: XEP-0115 Entity Capabilities 1.6, verified and cached
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-disco.h"
#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_CAPS "http://jabber.org/protocol/caps"

/**
 * XMPP_CAPS_NODE:
 *
 * The `node` of our own `<c/>`: the URI that names Natter as a piece of
 * software (XEP-0115 §4).
 */
#define XMPP_CAPS_NODE "https://natter.im"

#define XMPP_TYPE_CAPS (xmpp_caps_get_type ())

G_DECLARE_FINAL_TYPE (XmppCaps, xmpp_caps, XMPP, CAPS, GObject)

G_GNUC_WARN_UNUSED_RESULT
char            *xmpp_caps_compute_ver        (XmppDiscoInfo  *info);
G_GNUC_WARN_UNUSED_RESULT
XmppDiscoInfo   *xmpp_caps_parse_query        (XmppNode       *query,
                                               char          **ver,
                                               GError        **error);

G_GNUC_WARN_UNUSED_RESULT
XmppCaps        *xmpp_caps_new                (XmppDisco      *disco);
XmppDisco       *xmpp_caps_get_disco          (XmppCaps       *self);
G_GNUC_WARN_UNUSED_RESULT
char            *xmpp_caps_dup_own_ver        (XmppCaps       *self);
void             xmpp_caps_add_to_presence    (XmppCaps       *self,
                                               XmppNode       *presence);
gboolean         xmpp_caps_add_query_result   (XmppCaps       *self,
                                               const char     *ver,
                                               XmppNode       *query,
                                               GError        **error);
gboolean         xmpp_caps_insert             (XmppCaps       *self,
                                               const char     *ver,
                                               XmppDiscoInfo  *info);
XmppDiscoInfo   *xmpp_caps_lookup             (XmppCaps       *self,
                                               const char     *ver);
guint            xmpp_caps_get_n_cached       (XmppCaps       *self);
XmppDiscoInfo   *xmpp_caps_get_info           (XmppCaps       *self,
                                               XmppJid        *jid);
const char      *xmpp_caps_get_ver            (XmppCaps       *self,
                                               XmppJid        *jid);
gboolean         xmpp_caps_has_feature        (XmppCaps       *self,
                                               XmppJid        *jid,
                                               const char     *var);

G_END_DECLS
