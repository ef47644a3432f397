"""csba: multichannel post-order support for seller-fulfilled marketplace orders."""
