/* natter-test-xmpp.h: bring engine clients online against the test Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp/xmpp.h"

#include "natter-test-server.h"

G_BEGIN_DECLS

#define NATTER_TEST_WAIT_S 20

void        natter_test_wait_for   (gboolean         *flag,
                                    const char       *what);
void        natter_test_spin       (guint             milliseconds);
XmppClient *natter_test_client_new (NatterTestServer *server,
                                    const char       *jid,
                                    const char       *password);
void        natter_test_client_go_online (XmppClient *client);
void        natter_test_client_finish    (XmppClient *client);

G_END_DECLS
