/* ui.h: the public interface of the user interface (src/ui)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ui/natter-account-page.h"
#include "ui/natter-account-row.h"
#include "ui/natter-add-account-dialog.h"
#include "ui/natter-add-contact-dialog.h"
#include "ui/natter-application.h"
#include "ui/natter-avatar.h"
#include "ui/natter-certificate-dialog.h"
#include "ui/natter-chat-view.h"
#include "ui/natter-composer.h"
#include "ui/natter-contact-dialog.h"
#include "ui/natter-contact-model.h"
#include "ui/natter-contact-row.h"
#include "ui/natter-conversation-row.h"
#include "ui/natter-devices-dialog.h"
#include "ui/natter-linkify.h"
#include "ui/natter-message-row.h"
#include "ui/natter-notifier.h"
#include "ui/natter-preferences-window.h"
#include "ui/natter-presence-button.h"
#include "ui/natter-presence-display.h"
#include "ui/natter-qr-code.h"
#include "ui/natter-search-results.h"
#include "ui/natter-time-format.h"
#include "ui/natter-window.h"
