/* xmpp-reader-private.h: reader internals reachable by its tests
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp-reader.h"

G_BEGIN_DECLS

/* How many names the readers of this process may add to GLib's table of
 * interned strings; see intern_from_network() in xmpp-reader.c.
 */
#define XMPP_READER_INTERN_BUDGET 32768

void xmpp_reader_set_intern_budget (int budget);

G_END_DECLS
