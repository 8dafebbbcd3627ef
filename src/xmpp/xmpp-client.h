/* xmpp-client.h: one XMPP session, from connect to online and back
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-jid.h"
#include "xmpp-node.h"

G_BEGIN_DECLS

#define XMPP_NS_CLIENT "jabber:client"

#define XMPP_TYPE_CLIENT (xmpp_client_get_type ())

G_DECLARE_FINAL_TYPE (XmppClient, xmpp_client, XMPP, CLIENT, GObject)

/**
 * XmppClientState:
 * @XMPP_CLIENT_DISCONNECTED: not connected and not trying to
 * @XMPP_CLIENT_CONNECTING: resolving, connecting, negotiating TLS
 * @XMPP_CLIENT_AUTHENTICATING: SASL
 * @XMPP_CLIENT_BINDING: binding a resource, or resuming a session
 * @XMPP_CLIENT_ONLINE: stanzas flow both ways
 * @XMPP_CLIENT_WAITING: the connection failed; a reconnection is scheduled
 *
 * Where a session is.  Progress through these is reported by
 * #XmppClient:state; failures by #XmppClient::disconnected.
 */
typedef enum {
  XMPP_CLIENT_DISCONNECTED,
  XMPP_CLIENT_CONNECTING,
  XMPP_CLIENT_AUTHENTICATING,
  XMPP_CLIENT_BINDING,
  XMPP_CLIENT_ONLINE,
  XMPP_CLIENT_WAITING,
} XmppClientState;

/**
 * XmppStanzaHandler:
 * @client: the client
 * @stanza: a stanza that matched the handler (borrowed)
 * @user_data: the data given to xmpp_client_add_handler()
 *
 * Returns: %TRUE if the stanza was handled; an unhandled iq get or set is
 *   answered with `<service-unavailable/>`
 */
typedef gboolean (*XmppStanzaHandler) (XmppClient *client,
                                       XmppNode   *stanza,
                                       gpointer    user_data);

XmppClient      *xmpp_client_new                    (XmppJid              *jid) G_GNUC_WARN_UNUSED_RESULT;
XmppJid         *xmpp_client_get_jid                (XmppClient           *self);
XmppJid         *xmpp_client_get_bound_jid          (XmppClient           *self);
XmppClientState  xmpp_client_get_state              (XmppClient           *self);
const GError    *xmpp_client_get_error              (XmppClient           *self);
GTlsCertificate *xmpp_client_get_peer_certificate   (XmppClient           *self);
GTlsCertificateFlags xmpp_client_get_peer_certificate_errors (XmppClient  *self);
gboolean         xmpp_client_get_resumed            (XmppClient           *self);
gboolean         xmpp_client_get_stream_management  (XmppClient           *self);
const char      *xmpp_client_get_mechanism          (XmppClient           *self);

void             xmpp_client_set_password           (XmppClient           *self,
                                                     const char           *password);
void             xmpp_client_set_host               (XmppClient           *self,
                                                     const char           *host,
                                                     guint16               port,
                                                     gboolean              direct_tls);
void             xmpp_client_set_allow_plaintext    (XmppClient           *self,
                                                     gboolean              allow);
void             xmpp_client_set_pinned_fingerprints (XmppClient          *self,
                                                     const char * const   *fingerprints);
void             xmpp_client_set_tls_database       (XmppClient           *self,
                                                     GTlsDatabase         *database);
void             xmpp_client_set_minimum_mechanism  (XmppClient           *self,
                                                     const char           *mechanism);
void             xmpp_client_set_auto_reconnect     (XmppClient           *self,
                                                     gboolean              auto_reconnect);
void             xmpp_client_set_stream             (XmppClient           *self,
                                                     GIOStream            *stream);

void             xmpp_client_connect                (XmppClient           *self);
void             xmpp_client_disconnect             (XmppClient           *self);
void             xmpp_client_set_active             (XmppClient           *self,
                                                     gboolean              active);
void             xmpp_client_check_connection       (XmppClient           *self);

void             xmpp_client_send                   (XmppClient           *self,
                                                     XmppNode             *stanza);
void             xmpp_client_send_async             (XmppClient           *self,
                                                     XmppNode             *stanza,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         xmpp_client_send_finish            (XmppClient           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void             xmpp_client_iq_async               (XmppClient           *self,
                                                     XmppNode             *iq,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
XmppNode        *xmpp_client_iq_finish              (XmppClient           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void             xmpp_client_set_iq_timeout         (XmppClient           *self,
                                                     guint                 seconds);

guint            xmpp_client_add_handler            (XmppClient           *self,
                                                     const char           *stanza_name,
                                                     const char           *child_name,
                                                     const char           *child_xmlns,
                                                     XmppStanzaHandler     handler,
                                                     gpointer              user_data,
                                                     GDestroyNotify        destroy);
void             xmpp_client_remove_handler         (XmppClient           *self,
                                                     guint                 handler_id);
void             xmpp_client_add_feature            (XmppClient           *self,
                                                     const char           *feature);
GStrv            xmpp_client_dup_features           (XmppClient           *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean         xmpp_client_server_has_feature     (XmppClient           *self,
                                                     const char           *name,
                                                     const char           *xmlns);
XmppNode        *xmpp_client_error_reply            (XmppNode             *request,
                                                     const char           *type,
                                                     const char           *condition) G_GNUC_WARN_UNUSED_RESULT;
gboolean         xmpp_client_is_from_account        (XmppClient           *self,
                                                     XmppNode             *stanza);
GError          *xmpp_stanza_error_new              (XmppNode             *stanza) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
