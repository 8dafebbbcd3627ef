/* natter-account-list-private.h: NatterAccountList for tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "natter-account-list.h"

G_BEGIN_DECLS

/* For tests only: the trust store every account of the list, present and
 * future, checks server certificates against.  Verification stays on. */
void   natter_account_list_set_tls_database     (NatterAccountList  *self,
                                                 GTlsDatabase       *database);
char  *natter_account_list_normalize_fingerprint (const char        *text)
       G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
