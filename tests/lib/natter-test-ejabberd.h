/* natter-test-ejabberd.h: a private ejabberd on 127.0.0.1 for tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#ifndef NATTER_TEST_DOMAIN
#define NATTER_TEST_DOMAIN "natter.test"
#endif

/* ejabberd 23.01 caps every MAM page at this many messages; it cannot be
 * configured. */
#define NATTER_TEST_EJABBERD_ARCHIVE_PAGE_MAX 250

typedef struct _NatterTestEjabberd NatterTestEjabberd;

/**
 * NatterTestEjabberdOptions:
 * @scram_hash: (nullable): the hash ejabberd stores SCRAM credentials
 *   with, and so the only SCRAM family it offers: "sha" (SCRAM-SHA-1,
 *   the default), "sha256" or "sha512"
 * @hibernation_seconds: how long the server keeps a dropped XEP-0198
 *   session for resumption (0: 60 s)
 * @archive_page_max: the largest MAM page the server returns; ejabberd
 *   23.01 fixes it at 250, so only 0 and 250 are accepted
 * @extra_config: (nullable): YAML appended to the top level of the
 *   configuration; only options the fixture does not set (ejabberd
 *   refuses a duplicated option, `modules` included)
 */
typedef struct
{
  const char *scram_hash;
  guint       hibernation_seconds;
  guint       archive_page_max;
  const char *extra_config;
} NatterTestEjabberdOptions;

NatterTestEjabberd *natter_test_ejabberd_start            (const NatterTestEjabberdOptions *options,
                                                           GError                         **error);
void                natter_test_ejabberd_free             (NatterTestEjabberd              *self);
gboolean            natter_test_ejabberd_add_account      (NatterTestEjabberd              *self,
                                                           const char                      *localpart,
                                                           const char                      *password,
                                                           GError                         **error);
gboolean            natter_test_ejabberd_call             (NatterTestEjabberd              *self,
                                                           const char                      *command,
                                                           const char                      *json_arguments,
                                                           char                           **response,
                                                           GError                         **error);
gboolean            natter_test_ejabberd_restart          (NatterTestEjabberd              *self,
                                                           GError                         **error);
void                natter_test_ejabberd_kill             (NatterTestEjabberd              *self);
gboolean            natter_test_ejabberd_is_running       (NatterTestEjabberd              *self);

const char         *natter_test_ejabberd_get_domain       (NatterTestEjabberd              *self);
guint16             natter_test_ejabberd_get_port         (NatterTestEjabberd              *self);
guint16             natter_test_ejabberd_get_direct_tls_port (NatterTestEjabberd           *self);
guint16             natter_test_ejabberd_get_http_port    (NatterTestEjabberd              *self);
const char         *natter_test_ejabberd_get_scram_hash   (NatterTestEjabberd              *self);
const char         *natter_test_ejabberd_get_ca_file      (NatterTestEjabberd              *self);
const char         *natter_test_ejabberd_get_certificate_file (NatterTestEjabberd          *self);
const char         *natter_test_ejabberd_get_fingerprint  (NatterTestEjabberd              *self);
const char         *natter_test_ejabberd_get_directory    (NatterTestEjabberd              *self);
GPid                natter_test_ejabberd_get_pid          (NatterTestEjabberd              *self);
GTlsDatabase       *natter_test_ejabberd_dup_tls_database (NatterTestEjabberd              *self,
                                                           GError                         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NatterTestEjabberd, natter_test_ejabberd_free)

G_END_DECLS
