/* natter-account-private.h: NatterAccount for its list and for tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/store.h"

#include "natter-account.h"

G_BEGIN_DECLS

/* The default resource: "natter." and 8 random characters of [a-z0-9]. */
#define NATTER_ACCOUNT_RESOURCE_PREFIX "natter."
#define NATTER_ACCOUNT_RESOURCE_RANDOM_CHARS 8

/* Per-account settings in the store. */
#define NATTER_ACCOUNT_SETTING_SHOW "presence-show"
#define NATTER_ACCOUNT_SETTING_STATUS "presence-status"

NatterAccount *natter_account_new               (NatterStore        *store,
                                                 NatterStoreAccount *record,
                                                 GError            **error)
               G_GNUC_WARN_UNUSED_RESULT;
char          *natter_account_generate_resource (void) G_GNUC_WARN_UNUSED_RESULT;
NatterStore   *natter_account_get_store         (NatterAccount      *self);
void           natter_account_set_removing      (NatterAccount      *self,
                                                 gboolean            removing);
gboolean       natter_account_validate_host     (const char         *host,
                                                 GError            **error);

/* For tests only: the trust store the connection checks certificates
 * against instead of the system's.  Verification stays on. */
void           natter_account_set_tls_database  (NatterAccount      *self,
                                                 GTlsDatabase       *database);

G_END_DECLS
