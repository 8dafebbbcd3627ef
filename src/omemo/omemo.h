/* omemo.h: the public interface of OMEMO encryption (src/omemo)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "omemo/natter-omemo-error.h"
#include "omemo/natter-omemo-session.h"
#include "omemo/natter-omemo-xml.h"
