/* xmpp-presence.h: presence and subscriptions (RFC 6121, March 2011, §3, §4)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-client.h"
#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

/**
 * XMPP_PRESENCE_STATUS_MAX_CHARS:
 *
 * Received status texts and nicknames longer than this many characters
 * are cut to it.
 */
#define XMPP_PRESENCE_STATUS_MAX_CHARS 1024

/**
 * XMPP_PRESENCE_MAX_RESOURCES:
 *
 * The most resources kept for one bare JID; presence from further
 * resources is ignored until some go offline.
 */
#define XMPP_PRESENCE_MAX_RESOURCES 64

/**
 * XmppPresenceShow:
 * @XMPP_PRESENCE_SHOW_AVAILABLE: online, no `<show/>`
 * @XMPP_PRESENCE_SHOW_CHAT: free to chat
 * @XMPP_PRESENCE_SHOW_AWAY: away for a short while
 * @XMPP_PRESENCE_SHOW_XA: away for a long while
 * @XMPP_PRESENCE_SHOW_DND: busy
 *
 * The availability of an online resource (RFC 6121 §4.7.2.1).
 */
typedef enum {
  XMPP_PRESENCE_SHOW_AVAILABLE,
  XMPP_PRESENCE_SHOW_CHAT,
  XMPP_PRESENCE_SHOW_AWAY,
  XMPP_PRESENCE_SHOW_XA,
  XMPP_PRESENCE_SHOW_DND,
} XmppPresenceShow;

const char             *xmpp_presence_show_to_string          (XmppPresenceShow       show);

#define XMPP_TYPE_PRESENCE_RESOURCE (xmpp_presence_resource_get_type ())

typedef struct _XmppPresenceResource XmppPresenceResource;

GType                   xmpp_presence_resource_get_type       (void) G_GNUC_CONST;
XmppPresenceResource   *xmpp_presence_resource_ref            (XmppPresenceResource  *self);
void                    xmpp_presence_resource_unref          (XmppPresenceResource  *self);
XmppJid                *xmpp_presence_resource_get_jid        (XmppPresenceResource  *self);
XmppPresenceShow        xmpp_presence_resource_get_show       (XmppPresenceResource  *self);
const char             *xmpp_presence_resource_get_status     (XmppPresenceResource  *self);
int                     xmpp_presence_resource_get_priority   (XmppPresenceResource  *self);
const char             *xmpp_presence_resource_get_caps_node  (XmppPresenceResource  *self);
const char             *xmpp_presence_resource_get_caps_ver   (XmppPresenceResource  *self);
const char             *xmpp_presence_resource_get_caps_hash  (XmppPresenceResource  *self);
GDateTime              *xmpp_presence_resource_get_delay      (XmppPresenceResource  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppPresenceResource, xmpp_presence_resource_unref)

#define XMPP_TYPE_PRESENCE (xmpp_presence_get_type ())

G_DECLARE_FINAL_TYPE (XmppPresence, xmpp_presence, XMPP, PRESENCE, GObject)

XmppPresence           *xmpp_presence_new                     (XmppClient            *client)
                        G_GNUC_WARN_UNUSED_RESULT;
XmppClient             *xmpp_presence_get_client              (XmppPresence          *self);

const char             *xmpp_presence_get_language            (XmppPresence          *self);
void                    xmpp_presence_set_language            (XmppPresence          *self,
                                                               const char            *language);
XmppPresenceShow        xmpp_presence_get_show                (XmppPresence          *self);
const char             *xmpp_presence_get_status              (XmppPresence          *self);
int                     xmpp_presence_get_priority            (XmppPresence          *self);
void                    xmpp_presence_set_own                 (XmppPresence          *self,
                                                               XmppPresenceShow       show,
                                                               const char            *status,
                                                               int                    priority);
gboolean                xmpp_presence_get_announced           (XmppPresence          *self);
void                    xmpp_presence_send_own                (XmppPresence          *self);
void                    xmpp_presence_send_unavailable        (XmppPresence          *self,
                                                               const char            *status);

XmppPresenceResource   *xmpp_presence_lookup_resource         (XmppPresence          *self,
                                                               XmppJid               *full_jid);
GPtrArray              *xmpp_presence_dup_resources           (XmppPresence          *self,
                                                               XmppJid               *jid)
                        G_GNUC_WARN_UNUSED_RESULT;
XmppPresenceResource   *xmpp_presence_get_best_resource       (XmppPresence          *self,
                                                               XmppJid               *jid);
GPtrArray              *xmpp_presence_dup_own_resources       (XmppPresence          *self)
                        G_GNUC_WARN_UNUSED_RESULT;
const GError           *xmpp_presence_get_error               (XmppPresence          *self,
                                                               XmppJid               *jid);
void                    xmpp_presence_forget                  (XmppPresence          *self,
                                                               XmppJid               *jid);

void                    xmpp_presence_subscribe               (XmppPresence          *self,
                                                               XmppJid               *jid,
                                                               const char            *nick,
                                                               const char            *status);
void                    xmpp_presence_approve                 (XmppPresence          *self,
                                                               XmppJid               *jid);
void                    xmpp_presence_deny                    (XmppPresence          *self,
                                                               XmppJid               *jid);
void                    xmpp_presence_unsubscribe             (XmppPresence          *self,
                                                               XmppJid               *jid);
void                    xmpp_presence_cancel_subscription     (XmppPresence          *self,
                                                               XmppJid               *jid);
gboolean                xmpp_presence_can_preapprove          (XmppPresence          *self);
gboolean                xmpp_presence_preapprove              (XmppPresence          *self,
                                                               XmppJid               *jid,
                                                               GError               **error);

G_END_DECLS
