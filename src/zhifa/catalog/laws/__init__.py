"""Laws, regulations and rules with their articles (法律法规规章): the basis every item
cites; a law's change opens update obligations on what cites it."""
