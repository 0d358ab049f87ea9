/**
 * The shop's constant data, generated from a size so that the bench can ask for answers of any size.
 * Deterministic: the same size gives the same data in every process.
 */
export interface ProductRecord {
  kind: 'Book' | 'Furniture';
  upc: string;
  name: string;
  price: number;
  weight: number;
  isbn?: string;
  material?: string;
}
export interface ReviewRecord {
  id: string;
  body: string;
  rating: number;
  authorId: string;
  upc: string;
}
export interface UserRecord {
  id: string;
  name: string;
  username: string;
  city: string;
}

/** The shop's data. */
export interface ShopData {
  products: ProductRecord[];
  productByUpc: Map<string, ProductRecord>;
  reviewById: Map<string, ReviewRecord>;
  reviewsByUpc: Map<string, ReviewRecord[]>;
  reviewsByAuthor: Map<string, ReviewRecord[]>;
  userById: Map<string, UserRecord>;
}

/** `products` products (every third furniture), five reviews each, by `users` users in turn. */
export function createShopData(products = 60, users = 20): ShopData {
  const userList: UserRecord[] = Array.from({ length: users }, (_, i) => ({ id: `u${i}`, name: `User ${i}`, username: `user${i}`, city: i % 2 === 0 ? 'Lisbon' : 'Oslo' }));
  const productList: ProductRecord[] = Array.from({ length: products }, (_, i) =>
    i % 3 === 2
      ? { kind: 'Furniture', upc: `f${i}`, name: `Chair ${i}`, price: 1000 + i, weight: 10 + (i % 7), material: i % 2 ? 'oak' : 'steel' }
      : { kind: 'Book', upc: `b${i}`, name: `Book ${i}`, price: 100 + i, weight: 1 + (i % 3), isbn: `978-${String(i).padStart(6, '0')}` },
  );
  const reviews: ReviewRecord[] = [];
  for (const [p, product] of productList.entries()) {
    for (let r = 0; r < 5; r++) {
      const n = p * 5 + r;
      reviews.push({ id: `r${n}`, body: `Review ${n} of ${product.name}: ${r % 2 ? 'good value' : 'would buy again'}`, rating: 1 + (n % 5), authorId: userList[n % users]!.id, upc: product.upc });
    }
  }
  const group = <K>(key: (review: ReviewRecord) => K) => {
    const map = new Map<K, ReviewRecord[]>();
    for (const review of reviews) map.set(key(review), [...(map.get(key(review)) ?? []), review]);
    return map;
  };
  return {
    products: productList,
    productByUpc: new Map(productList.map((product) => [product.upc, product])),
    reviewById: new Map(reviews.map((review) => [review.id, review])),
    reviewsByUpc: group((review) => review.upc),
    reviewsByAuthor: group((review) => review.authorId),
    userById: new Map(userList.map((user) => [user.id, user])),
  };
}
