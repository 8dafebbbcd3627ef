/* natter-test-ui-accounts.c: accounts on the fixture's Prosody for UI tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-test-ui-accounts.h"

#include "natter-test-ui.h"

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  NatterAccount **account = user_data;
  g_autoptr(GError) error = NULL;

  *account = natter_account_list_add_finish (NATTER_ACCOUNT_LIST (object), result, &error);
  g_assert_no_error (error);
}

/**
 * natter_test_ui_add_account:
 * @accounts: the application's accounts
 * @server: the fixture's server, with the account registered
 * @jid: the account's address
 * @password: its password
 * @timeout: how many seconds it may take
 *
 * Adds an account with the server's certificate pinned, as
 * `natter --add-account` would, and waits until it is online.
 *
 * Returns: (transfer none): the account, owned by @accounts
 */
NatterAccount *
natter_test_ui_add_account (NatterAccountList *accounts,
                            NatterTestServer  *server,
                            const char        *jid,
                            const char        *password,
                            int                timeout)
{
  NatterAccountOptions options = {
    .host = "127.0.0.1",
    .port = natter_test_server_get_port (server),
    .pinned_certificate = natter_test_server_get_fingerprint (server),
  };
  NatterAccount *account = NULL;

  natter_account_list_add_async (accounts, jid, password, &options, NULL, added_cb, &account);
  NATTER_TEST_UI_WAIT (account != NULL, timeout);
  NATTER_TEST_UI_WAIT (natter_account_get_state (account) == NATTER_ACCOUNT_STATE_ONLINE, timeout);
  g_object_unref (account);
  return account;
}
