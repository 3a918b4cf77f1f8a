import explorer.relevance as R
R.PREREQ_DECAY = 0.5
from tests.test_relevance_properties import *  # noqa
