/* natter-test-server.h: a private Prosody on 127.0.0.1 for tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define NATTER_TEST_DOMAIN "natter.test"

typedef struct _NatterTestServer NatterTestServer;

/**
 * NatterTestServerOptions:
 * @hibernation_seconds: how long the server keeps a dropped XEP-0198
 *   session for resumption (0: Prosody's default of 60 s here)
 * @archive_page_max: the largest MAM page the server returns (0: 250)
 * @extra_config: (nullable): Lua lines appended to the global section
 */
typedef struct
{
  guint       hibernation_seconds;
  guint       archive_page_max;
  const char *extra_config;
} NatterTestServerOptions;

NatterTestServer *natter_test_server_start            (const NatterTestServerOptions *options,
                                                       GError                       **error);
void              natter_test_server_free             (NatterTestServer              *self);
gboolean          natter_test_server_add_account      (NatterTestServer              *self,
                                                       const char                    *localpart,
                                                       const char                    *password,
                                                       GError                       **error);
gboolean          natter_test_server_restart          (NatterTestServer              *self,
                                                       GError                       **error);
void              natter_test_server_kill             (NatterTestServer              *self);
gboolean          natter_test_server_is_running       (NatterTestServer              *self);
GPid              natter_test_server_get_pid          (NatterTestServer              *self);

const char       *natter_test_server_get_domain       (NatterTestServer              *self);
guint16           natter_test_server_get_port         (NatterTestServer              *self);
guint16           natter_test_server_get_direct_tls_port (NatterTestServer           *self);
guint16           natter_test_server_get_http_port    (NatterTestServer              *self);
const char       *natter_test_server_get_ca_file      (NatterTestServer              *self);
const char       *natter_test_server_get_certificate_file (NatterTestServer          *self);
const char       *natter_test_server_get_fingerprint  (NatterTestServer              *self);
const char       *natter_test_server_get_directory    (NatterTestServer              *self);
GTlsDatabase     *natter_test_server_dup_tls_database (NatterTestServer              *self,
                                                       GError                       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterTestServer, natter_test_server_free)

G_END_DECLS
