/* natter-test-ui-accounts.h: accounts on the fixture's Prosody for UI tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "core/core.h"

#include "natter-test-server.h"

G_BEGIN_DECLS

NatterAccount *natter_test_ui_add_account (NatterAccountList *accounts,
                                           NatterTestServer  *server,
                                           const char        *jid,
                                           const char        *password,
                                           int                timeout);

G_END_DECLS
