/* xmpp.h: the public interface of the XMPP engine (src/xmpp)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp/xmpp-blocking.h"
#include "xmpp/xmpp-caps.h"
#include "xmpp/xmpp-carbons.h"
#include "xmpp/xmpp-client.h"
#include "xmpp/xmpp-connection.h"
#include "xmpp/xmpp-disco.h"
#include "xmpp/xmpp-error.h"
#include "xmpp/xmpp-jid.h"
#include "xmpp/xmpp-mam.h"
#include "xmpp/xmpp-message.h"
#include "xmpp/xmpp-node.h"
#include "xmpp/xmpp-pep.h"
#include "xmpp/xmpp-presence.h"
#include "xmpp/xmpp-reader.h"
#include "xmpp/xmpp-roster.h"
#include "xmpp/xmpp-sasl.h"
#include "xmpp/xmpp-scram.h"
#include "xmpp/xmpp-uri.h"
#include "xmpp/xmpp-enums.h"
