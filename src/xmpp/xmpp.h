/* xmpp.h: the public interface of the XMPP engine (src/xmpp)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp/xmpp-error.h"
#include "xmpp/xmpp-enums.h"
