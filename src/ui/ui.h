/* ui.h: the public interface of the user interface (src/ui)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ui/natter-application.h"
#include "ui/natter-window.h"
