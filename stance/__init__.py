"""stance: whose account does each sentence of a war news article carry?"""
from stance._errors import StanceError, InputError
from stance.splitting import Span, split_sentences
