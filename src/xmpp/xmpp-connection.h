/* xmpp-connection.h: a byte stream to an XMPP server, over TLS
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XMPP_TYPE_CONNECTION (xmpp_connection_get_type ())

G_DECLARE_FINAL_TYPE (XmppConnection, xmpp_connection, XMPP, CONNECTION, GObject)

/**
 * XmppConnectionSecurity:
 * @XMPP_CONNECTION_PLAIN: no TLS (yet): STARTTLS may follow
 * @XMPP_CONNECTION_DIRECT_TLS: TLS from the first byte (XEP-0368)
 * @XMPP_CONNECTION_STARTTLS: upgraded to TLS with STARTTLS
 *
 * How the bytes of a connection are protected.
 */
typedef enum {
  XMPP_CONNECTION_PLAIN,
  XMPP_CONNECTION_DIRECT_TLS,
  XMPP_CONNECTION_STARTTLS,
} XmppConnectionSecurity;

XmppConnection         *xmpp_connection_new                       (const char           *domain) G_GNUC_WARN_UNUSED_RESULT;
XmppConnection         *xmpp_connection_new_for_stream            (const char           *domain,
                                                                   GIOStream            *stream) G_GNUC_WARN_UNUSED_RESULT;
const char             *xmpp_connection_get_domain                (XmppConnection       *self);
void                    xmpp_connection_set_host                  (XmppConnection       *self,
                                                                   const char           *host,
                                                                   guint16               port,
                                                                   gboolean              direct_tls);
void                    xmpp_connection_set_pinned_fingerprints   (XmppConnection       *self,
                                                                   const char * const   *sha256_fingerprints);
void                    xmpp_connection_set_tls_database          (XmppConnection       *self,
                                                                   GTlsDatabase         *database);
void                    xmpp_connection_set_timeout               (XmppConnection       *self,
                                                                   guint                 seconds);
void                    xmpp_connection_connect_async             (XmppConnection       *self,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gboolean                xmpp_connection_connect_finish            (XmppConnection       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                    xmpp_connection_start_tls_async           (XmppConnection       *self,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
gboolean                xmpp_connection_start_tls_finish          (XmppConnection       *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                    xmpp_connection_start_reading             (XmppConnection       *self);
void                    xmpp_connection_send                      (XmppConnection       *self,
                                                                   const char           *data,
                                                                   gssize                length);
gsize                   xmpp_connection_get_queued_bytes          (XmppConnection       *self);
void                    xmpp_connection_close                     (XmppConnection       *self);
void                    xmpp_connection_abort                     (XmppConnection       *self);
gboolean                xmpp_connection_is_open                   (XmppConnection       *self);
XmppConnectionSecurity  xmpp_connection_get_security              (XmppConnection       *self);
GTlsProtocolVersion     xmpp_connection_get_tls_version           (XmppConnection       *self);
GBytes                 *xmpp_connection_dup_channel_binding       (XmppConnection       *self,
                                                                   const char           *type,
                                                                   GError              **error);
GTlsCertificate        *xmpp_connection_get_peer_certificate      (XmppConnection       *self);
GTlsCertificateFlags    xmpp_connection_get_peer_certificate_errors (XmppConnection     *self);
char                   *xmpp_certificate_dup_fingerprint          (GTlsCertificate      *certificate) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
