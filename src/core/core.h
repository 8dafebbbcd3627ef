/* core.h: the public interface of the application model (src/core)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "core/natter-account-list.h"
#include "core/natter-address.h"
#include "core/natter-account.h"
#include "core/natter-contact.h"
#include "core/natter-conversation-list.h"
#include "core/natter-conversation.h"
#include "core/natter-core-enums.h"
#include "core/natter-core-types.h"
#include "core/natter-error.h"
#include "core/natter-link.h"
#include "core/natter-message-list.h"
#include "core/natter-message.h"
#include "core/natter-messaging.h"
#include "core/natter-omemo-device.h"
#include "core/natter-omemo.h"
#include "core/natter-resource.h"
#include "core/natter-roster.h"
#include "core/natter-search-hit.h"
#include "core/natter-secret.h"
