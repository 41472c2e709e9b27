"""Update obligations of the 事前公示 catalogue (公示办法 第八条): a law, organisation or
certificate change opens an obligation to update what is public, due from the rule table."""
