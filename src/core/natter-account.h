/* natter-account.h: one XMPP account, its connection, roster and presence
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp/xmpp.h"

#include "natter-core-types.h"
#include "natter-omemo.h"

G_BEGIN_DECLS

/**
 * NatterAccountState:
 * @NATTER_ACCOUNT_STATE_OFFLINE: not connected, and not trying to: the
 *   account is disabled, its presence is offline, or it was disconnected
 * @NATTER_ACCOUNT_STATE_CONNECTING: looking up the password, connecting,
 *   negotiating TLS, signing in
 * @NATTER_ACCOUNT_STATE_ONLINE: signed in
 * @NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT: the connection failed or
 *   dropped; a new attempt is scheduled by itself
 * @NATTER_ACCOUNT_STATE_NEEDS_PASSWORD: no password is known;
 *   #NatterAccount:error says why
 * @NATTER_ACCOUNT_STATE_ERROR: a failure that needs the user (wrong
 *   password, untrusted certificate, no TLS…); #NatterAccount:error says
 *   which, and nothing is retried until the user acts
 *
 * What an account is doing, for the interface.
 */
typedef enum {
  NATTER_ACCOUNT_STATE_OFFLINE,
  NATTER_ACCOUNT_STATE_CONNECTING,
  NATTER_ACCOUNT_STATE_ONLINE,
  NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT,
  NATTER_ACCOUNT_STATE_NEEDS_PASSWORD,
  NATTER_ACCOUNT_STATE_ERROR,
} NatterAccountState;

#define NATTER_TYPE_ACCOUNT (natter_account_get_type ())

G_DECLARE_FINAL_TYPE (NatterAccount, natter_account, NATTER, ACCOUNT, GObject)

gint64              natter_account_get_id                    (NatterAccount        *self);
const char         *natter_account_get_jid                   (NatterAccount        *self);
const char         *natter_account_get_resource              (NatterAccount        *self);
gboolean            natter_account_set_resource              (NatterAccount        *self,
                                                              const char           *resource,
                                                              GError              **error);
const char         *natter_account_get_display_name          (NatterAccount        *self);
void                natter_account_set_display_name          (NatterAccount        *self,
                                                              const char           *display_name);
gboolean            natter_account_get_enabled               (NatterAccount        *self);
void                natter_account_set_enabled               (NatterAccount        *self,
                                                              gboolean              enabled);
NatterAccountState  natter_account_get_state                 (NatterAccount        *self);
const char         *natter_account_get_error                 (NatterAccount        *self);
GTlsCertificate    *natter_account_get_untrusted_certificate (NatterAccount        *self);

const char         *natter_account_get_host                  (NatterAccount        *self);
guint16             natter_account_get_port                  (NatterAccount        *self);
gboolean            natter_account_get_direct_tls            (NatterAccount        *self);
gboolean            natter_account_set_server                (NatterAccount        *self,
                                                              const char           *host,
                                                              guint16               port,
                                                              gboolean              direct_tls,
                                                              GError              **error);
const char * const *natter_account_get_pinned_certificates   (NatterAccount        *self);
gboolean            natter_account_pin_certificate           (NatterAccount        *self,
                                                              GTlsCertificate      *certificate,
                                                              GError              **error);

NatterPresenceShow  natter_account_get_show                  (NatterAccount        *self);
const char         *natter_account_get_status                (NatterAccount        *self);
void                natter_account_set_presence              (NatterAccount        *self,
                                                              NatterPresenceShow    show,
                                                              const char           *status);

void                natter_account_set_password_for_session  (NatterAccount        *self,
                                                              const char           *password);
void                natter_account_save_password_async       (NatterAccount        *self,
                                                              const char           *password,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
gboolean            natter_account_save_password_finish      (NatterAccount        *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

void                natter_account_connect                   (NatterAccount        *self);
void                natter_account_disconnect                (NatterAccount        *self);

NatterRoster       *natter_account_get_roster                (NatterAccount        *self);
XmppClient         *natter_account_get_client                (NatterAccount        *self);
XmppRoster         *natter_account_get_xmpp_roster           (NatterAccount        *self);
XmppPresence       *natter_account_get_xmpp_presence         (NatterAccount        *self);
XmppBlocking       *natter_account_get_blocking              (NatterAccount        *self);
XmppDisco          *natter_account_get_disco                 (NatterAccount        *self);
XmppCaps           *natter_account_get_caps                  (NatterAccount        *self);
XmppPep            *natter_account_get_pep                   (NatterAccount        *self);
NatterOmemo        *natter_account_get_omemo                 (NatterAccount        *self);

G_END_DECLS
